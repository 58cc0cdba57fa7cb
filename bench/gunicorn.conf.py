"""No settings: every server of the benchmark is set on its command line (servers.py).

Given to gunicorn with --config, so the portal's own gunicorn.conf.py (threads, timeouts),
read from the folder the benchmark is started in, does not change the servers compared.
"""
