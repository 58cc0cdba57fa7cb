"""Temporary passwords must be replaced; changing a password needs the current one."""

PASSWORD = "Sunny-Garden-77"
NEW = "Velvet-Harbor-2931"


def test_temporary_password_forces_a_change_before_anything_else(client, make_subscriber):
    subscriber = make_subscriber(password="issued-4821", temporary=True)
    response = client.login(subscriber["account"], "issued-4821")
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/password"
    page = client.get("/password").get_data(as_text=True)
    assert "choose your own password" in page or "пароль" in page

    response = client.form("/password", {"current": "issued-4821", "new": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_common_password_is_refused(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client.login(subscriber["account"], PASSWORD)
    response = client.form(
        "/password", {"current": PASSWORD, "new": "qwerty123", "confirm": "qwerty123"}
    )
    assert response.status_code == 200
    assert "most common" in response.get_data(as_text=True) or "распространённ" in (
        response.get_data(as_text=True)
    )


def test_short_password_is_refused_with_the_rule(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client.login(subscriber["account"], PASSWORD)
    response = client.form("/password", {"current": PASSWORD, "new": "a1b2", "confirm": "a1b2"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_wrong_current_password_changes_nothing(client, make_subscriber):
    subscriber = make_subscriber(password=PASSWORD)
    client.login(subscriber["account"], PASSWORD)
    response = client.form("/password", {"current": "guess", "new": NEW, "confirm": NEW})
    assert response.status_code == 200
    client.form("/logout", {}, page="/")
    assert client.login(subscriber["account"], NEW).status_code == 200
    assert client.login(subscriber["account"], PASSWORD).status_code == 302


def test_after_a_change_the_new_password_works_and_other_sessions_end(
    tenant_client, make_subscriber
):
    subscriber = make_subscriber(password=PASSWORD)
    laptop = tenant_client("acme.localhost")
    phone = tenant_client("acme.localhost")
    laptop.login(subscriber["account"], PASSWORD)
    phone.login(subscriber["account"], PASSWORD)
    laptop.form("/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    fresh = tenant_client("acme.localhost")
    assert fresh.login(subscriber["account"], NEW).status_code == 302


def test_a_password_change_is_told_to_whoever_listens(tenant_client, make_subscriber):
    from app.core.signals import password_changed

    subscriber = make_subscriber(password=PASSWORD)
    heard = []

    def listener(tenant, subscriber_id, reason):
        heard.append((tenant.slug, subscriber_id, reason))

    client = tenant_client("acme.localhost")
    client.login(subscriber["account"], PASSWORD)
    with password_changed.connected_to(listener):
        client.form("/password", {"current": PASSWORD, "new": NEW, "confirm": NEW})
    assert heard == [("acme", subscriber["id"], "changed")]
