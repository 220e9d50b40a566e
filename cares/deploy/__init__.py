"""Running CARES Kids in production (issue 19): the production Procfile (``make serve``) and
the loopback-only trial guard. README, "Deploying"."""
