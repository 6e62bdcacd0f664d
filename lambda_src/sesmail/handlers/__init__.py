"""Lambda entry points: thin adapters from the Lambda event to the domain functions."""
