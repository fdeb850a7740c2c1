"""callup: conscription law as code — cited, dated parameters, a person's check and a population simulation."""

__version__ = "0.1.0"
