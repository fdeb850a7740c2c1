"""Jurisdictions: each one ships dated parameters, a reason vocabulary and vectorised rules."""
