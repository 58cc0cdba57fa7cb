"""Every rule of DESIGN.md's Security section names the tests that fail when it is broken.

A rule added to DESIGN.md without tests, or a test renamed away from its rule, fails here.
"""

import importlib
import re
from pathlib import Path

import pytest

DESIGN = Path(__file__).resolve().parents[3] / "shared" / "DESIGN.md"

# The opening words of each rule, as DESIGN.md writes them, and the tests that hold it.
RULES: dict[str, list[str]] = {
    "Passwords:": [
        "tests.security.test_password_storage::test_the_default_profile_is_argon2id_at_the_recommended_cost",
        "tests.security.test_password_storage::test_the_database_holds_a_hash_not_the_password",
        "tests.security.test_password_storage::test_common_passwords_are_refused_in_any_case",
        "tests.security.test_boundaries::test_password_length_on_change",
        "tests.security.test_boundaries::test_password_length_on_reset",
    ],
    "Sessions:": [
        "tests.web.test_sessions::test_a_session_made_on_one_tenant_is_refused_on_another",
        "tests.security.test_hosts_and_cookies::test_production_session_cookie_is_host_prefixed_and_secure",
        "tests.security.test_hosts_and_cookies::test_production_refuses_an_insecure_session_cookie",
        "tests.security.test_sessions::test_logging_out_on_one_device_leaves_the_other_logged_in",
        "tests.security.test_sessions::test_a_login_gets_a_new_token_and_an_older_cookie_opens_nothing",
        "tests.security.test_sessions::test_a_password_change_ends_the_other_sessions_and_keeps_this_one",
        "tests.security.test_sessions::test_a_reset_by_recovery_ends_every_session",
        "tests.security.test_sessions::test_a_session_idle_for_30_minutes_ends",
        "tests.security.test_sessions::test_a_session_lives_12_hours_however_busy",
        "tests.security.test_sessions::test_a_session_of_one_tenant_is_refused_on_another",
        "tests.web.test_security_page::test_ending_another_session_logs_that_device_out",
        "tests.web.test_security_page::test_logging_out_everywhere_else_keeps_this_device",
        "tests.security.test_shared_demo::test_one_visitors_logout_leaves_the_others_logged_in",
    ],
    "No request can lock the owner out:": [
        "tests.security.test_no_lockout::test_login_opens_again_after_the_window",
        "tests.security.test_no_lockout::test_recovery_sends_again_after_the_hour",
        "tests.security.test_temporary_password::test_the_old_password_and_open_sessions_survive_a_request",
        "tests.security.test_temporary_password::test_many_requests_by_a_stranger_change_nothing_for_the_owner",
        "tests.security.test_temporary_password::test_wrong_guesses_retire_it_but_not_the_password",
    ],
    "Every redirect target is checked": [
        "tests.security.test_redirects::test_a_target_that_leaves_the_site_is_refused",
        "tests.security.test_redirects::test_the_language_switcher_stays_on_the_site",
        "tests.security.test_malformed_input::test_every_route_survives_every_nasty_value",
        "tests.security.test_malformed_input::test_a_huge_id_in_the_path_is_not_found",
        "tests.security.test_malformed_input::test_a_statement_date_out_of_range_is_a_form_error",
    ],
    "CSRF on every state-changing form": [
        "tests.security.test_csrf_everywhere::test_no_token_no_change",
        "tests.security.test_csrf_everywhere::test_another_browsers_token_is_refused",
        "tests.security.test_owned_urls::test_no_get_changes_anything",
    ],
    "Login, recovery and code-sending are rate-limited": [
        "tests.security.test_login_limits::test_every_host_and_login_spelling_spends_one_account_budget",
        "tests.security.test_login_limits::test_address_budgets_are_per_tenant",
        "tests.security.test_login_limits::test_recovery_address_budgets_are_per_tenant",
        "tests.security.test_boundaries::test_one_address_may_ask_twenty_times_an_hour",
        "tests.security.test_enumeration::test_login_answers_alike",
        "tests.security.test_enumeration::test_every_recovery_step_answers_alike",
    ],
    "One-time codes and reset tokens:": [
        "tests.web.test_recovery_security::test_secrets_are_stored_hashed",
        "tests.web.test_recovery_security::test_a_link_works_once",
        "tests.web.test_recovery_security::test_a_newer_code_invalidates_the_older",
        "tests.security.test_boundaries::test_sms_code_lives_ten_minutes",
        "tests.security.test_boundaries::test_the_fifth_wrong_guess_locks_the_code",
        "tests.web.test_recovery_security::test_knowing_surname_and_contract_never_sets_a_password",
    ],
    "Links in messages are built from the tenant's configured host": [
        "tests.web.test_recovery_security::test_links_use_the_configured_host_not_the_request",
    ],
    "Nothing that talks to the outside": [
        "tests.web.test_notify_queue::test_queued_in_the_transaction_and_rolled_back_with_it",
        "tests.web.test_notify_queue::test_sent_after_the_response_and_its_body_blanked",
        "tests.web.test_notify_queue::test_retried_with_growing_pauses_then_given_up",
        "tests.security.test_recovery_neutral::test_same_answer_whoever_asks_and_whatever_delivery_does",
        "tests.security.test_recovery_neutral::test_the_timing_floor_covers_the_slowest_path",
    ],
}


def _rules_in_design() -> list[str]:
    text = DESIGN.read_text(encoding="utf-8")
    section = text.split("\n## Security\n", 1)[1].split("\n## ", 1)[0]
    return [m.group(1) for m in re.finditer(r"^- (.+)$", section, re.MULTILINE)]


@pytest.mark.skipif(not DESIGN.exists(), reason="DESIGN.md lies beside the checkout")
def test_every_rule_of_the_design_has_an_entry():
    rules = _rules_in_design()
    assert rules
    for rule in rules:
        assert any(rule.startswith(opening) for opening in RULES), rule


@pytest.mark.parametrize("opening", RULES)
def test_every_rule_has_tests_that_exist(opening):
    assert RULES[opening], f"no test holds the rule «{opening}»"
    for node in RULES[opening]:
        module_name, _, name = node.partition("::")
        module = importlib.import_module(module_name)
        assert callable(getattr(module, name, None)), node
