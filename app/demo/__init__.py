"""Demo subscribers for every tenant, read from tenants/<slug>/demo.yaml."""
