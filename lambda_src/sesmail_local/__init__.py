"""Local development helpers (emulated AWS); never imported by the Lambdas."""
