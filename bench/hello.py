"""The baseline: a bare Flask application with one page, served like the portal."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """The smallest page Flask can serve."""
    return "hello"
