"""Country-free building blocks for encoding law as vectorised rules (dates, ages, windows)."""
