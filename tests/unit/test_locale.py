"""The order in which a page's language is chosen."""

from app.tenancy.locale import choose_locale

AVAILABLE = ("ru", "en", "hi")


def test_explicit_choice_wins_over_everything():
    assert choose_locale(AVAILABLE, "ru", ("hi",), "en", [("en", 1.0)]) == "hi"


def test_choice_outside_the_tenant_locales_is_ignored():
    assert choose_locale(("ru", "en"), "ru", ("hi",), None, []) == "ru"


def test_pinned_host_locale_beats_the_browser():
    assert choose_locale(AVAILABLE, "ru", (None,), "hi", [("en-US", 1.0)]) == "hi"


def test_accept_language_by_quality_among_tenant_locales():
    accept = [("de", 1.0), ("en-GB", 0.7), ("hi-IN", 0.9)]
    assert choose_locale(AVAILABLE, "ru", (), None, accept) == "hi"


def test_tenant_default_when_nothing_matches():
    assert choose_locale(AVAILABLE, "en", (), None, [("fr", 1.0)]) == "en"


def test_profile_choice_used_after_cookie():
    assert choose_locale(AVAILABLE, "ru", (None, "en"), "hi", []) == "en"
