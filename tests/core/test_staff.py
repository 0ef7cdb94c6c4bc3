"""Staff: an organisation admin adds people, gives them roles, deactivates them and
chooses the butler of each building."""

from __future__ import annotations

import re
import threading
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from core import clock as core_clock
from core.extensions import db
from core.models import AuditLog, ButlerAssignment, Membership, User
from core.testing.factories import PASSWORD
from tests.conftest import login

HX = {"HX-Request": "true"}
# What a deactivated user and a wrong password both see on the login page.
LOGIN_REFUSED = "Wrong username or password."


def admin_site(make, **site_fields):
    """A site and its company; ``alice`` is an organisation admin of that company."""
    org = make.org()
    site = make.site(org=org, **site_fields)
    make.user(role=None, org_admin=True, org=org, username="alice", display_name="Alice")
    return site, org


def staff_url(site, path: str = "") -> str:
    return f"/s/{site.slug}/staff/{path}"


def text(response) -> str:
    return response.get_data(as_text=True)


def one_time_password(html: str) -> str:
    found = re.search(r'<output class="one-time-password">([^<]+)</output>', html)
    assert found, "the one-time password is not on the page"
    return found.group(1)


def new_butler_form(**fields):
    form = {
        "username": "Ben.Wong",
        "display_name": "Ben Wong",
        "email": "ben@example.com",
        "phone": "+852 9123 4567",
        "roles": ["butler"],
    }
    form.update(fields)
    return form


def audit_actions(app, action_prefix: str = "") -> list[AuditLog]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(AuditLog)
                .where(AuditLog.action.startswith(action_prefix))
                .order_by(AuditLog.id)
            )
        )


def load_user(app, username: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)
        return user


def roles_of(app, user, site) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Membership.role).where(
                    Membership.user_id == user.id, Membership.site_id == site.id
                )
            )
        )


def assignments_of(app, building) -> list[tuple[int, date, date | None]]:
    with app.app_context():
        return [
            (a.user_id, a.starts_on, a.ends_on)
            for a in db.session.scalars(
                select(ButlerAssignment)
                .where(ButlerAssignment.building_id == building.id)
                .order_by(ButlerAssignment.id)
            )
        ]


def today_in(timezone: str) -> date:
    return core_clock.now().astimezone(ZoneInfo(timezone)).date()


# --- New staff -------------------------------------------------------------------------


def test_org_admin_creates_a_butler_whose_one_time_password_works_once(app, client, make):
    site, _ = admin_site(make)
    login(client, "alice")

    page = client.get(staff_url(site, "new"))
    assert page.status_code == 200
    assert "Butler" in text(page) and 'name="roles"' in text(page)

    created = client.post(staff_url(site, "new"), data=new_butler_form())
    assert created.status_code == 200
    html = text(created)
    assert "Ben Wong can log in now" in html
    assert "ben.wong" in html  # lower-cased
    assert "It is shown only this once" in html
    assert "no-store" in created.headers["Cache-Control"]
    password = one_time_password(html)
    assert len(password.replace("-", "")) == 12

    ben = load_user(app, "ben.wong")
    assert ben.password_hash.startswith("$argon2id$")
    assert ben.email == "ben@example.com" and ben.phone == "+852 9123 4567"
    assert roles_of(app, ben, site) == {"butler"}

    listed = text(client.get(staff_url(site)))
    assert "Ben Wong" in listed and "ben.wong" in listed
    assert password not in listed  # never shown again

    (record,) = audit_actions(app, "staff.created")
    assert record.object_id == ben.id and record.site_id == site.id
    assert password not in record.detail and "argon2" not in record.detail

    other = app.test_client()
    assert login(other, "ben.wong", password).status_code == 302
    # The one-time password opens one page: Change password.
    first = other.get(f"/s/{site.slug}/")
    assert first.status_code == 303 and first.location.endswith("/account/password")
    chosen = {
        "current_password": password,
        "new_password": "harbour-tea-9",
        "confirm": "harbour-tea-9",
    }
    assert other.post("/account/password", data=chosen).status_code == 302
    assert other.get(f"/s/{site.slug}/").status_code == 200
    assert login(app.test_client(), "ben.wong", password).status_code == 422  # used up


def test_a_lost_password_is_reset_to_a_one_time_one_that_must_be_changed(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben Wong")
    phone = app.test_client()
    assert login(phone, "ben").status_code == 302
    login(client, "alice")
    listed = text(client.get(staff_url(site)))
    assert "Reset password" in listed
    reset = client.post(staff_url(site, f"{ben.id}/password"))
    assert reset.status_code == 200 and "no-store" in reset.headers["Cache-Control"]
    html = text(reset)
    assert "Ben Wong has a one-time password" in html
    password = one_time_password(html)
    # Ben's phone is logged out; the old password no longer works.
    assert phone.get(f"/s/{site.slug}/").status_code == 302
    assert login(app.test_client(), "ben").status_code == 422
    (record,) = audit_actions(app, "staff.password_reset")
    assert record.object_id == ben.id and password not in record.detail
    # The next login may only choose a new password, then works as before.
    fresh = app.test_client()
    assert login(fresh, "ben", password).status_code == 302
    assert fresh.get(f"/s/{site.slug}/residents/").status_code == 303
    assert fresh.get("/account/password").status_code == 200
    chosen = {
        "current_password": password,
        "new_password": "kowloon-rain-7",
        "confirm": "kowloon-rain-7",
    }
    assert fresh.post("/account/password", data=chosen).status_code == 302
    assert fresh.get(f"/s/{site.slug}/").status_code == 200


def test_resetting_needs_the_staff_permission_and_not_oneself(app, client, make):
    site, _org = admin_site(make)
    alice = load_user(app, "alice")
    make.user(site=site, role="manager", username="mia")
    login(client, "mia")
    assert client.post(staff_url(site, f"{alice.id}/password")).status_code == 403
    client.post("/logout")
    login(client, "alice")
    refused = client.post(staff_url(site, f"{alice.id}/password"), headers={"HX-Request": "true"})
    assert refused.status_code == 422
    assert "Change your own password from your account" in text(refused)
    other_company = make.user(site=make.site(), username="zed")
    assert client.post(staff_url(site, f"{other_company.id}/password")).status_code == 404


def test_a_taken_username_is_refused_next_to_the_field_and_nothing_is_written(app, client, make):
    site, _ = admin_site(make)
    make.user(site=make.site(), username="ben.wong")  # another company's butler
    login(client, "alice")
    with app.app_context():
        users_before = db.session.scalar(select(func.count(User.id)))

    refused = client.post(staff_url(site, "new"), data=new_butler_form(username="BEN.WONG"))

    assert refused.status_code == 422
    assert "This username is taken" in text(refused)
    assert 'aria-invalid="true"' in text(refused)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == users_before
        assert (
            db.session.scalar(
                select(func.count(Membership.id)).where(Membership.site_id == site.id)
            )
            == 0
        )
    assert audit_actions(app, "staff.") == []


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("bo", "Use 3 to 60 characters."),
        ("ben wong", "Use only letters, digits, dots, hyphens and underscores."),
        ("黃家豪", "Use only letters, digits, dots, hyphens and underscores."),
    ],
)
def test_a_badly_formed_username_is_refused(app, client, make, username, message):
    site, _ = admin_site(make)
    login(client, "alice")

    refused = client.post(staff_url(site, "new"), data=new_butler_form(username=username))

    assert refused.status_code == 422
    assert message in text(refused)
    assert load_user(app, username.lower()) is None


def test_name_and_a_role_are_needed_and_the_e_mail_must_look_right(client, make):
    site, _ = admin_site(make)
    login(client, "alice")

    refused = client.post(
        staff_url(site, "new"),
        data=new_butler_form(display_name=" ", email="ben-at-example", roles=[]),
    )

    html = text(refused)
    assert refused.status_code == 422
    assert "Enter the name colleagues know them by." in html
    assert "This does not look like an e-mail address." in html
    assert "Choose at least one role." in html


def test_hotel_roles_are_neither_offered_nor_accepted_on_a_residential_estate(app, client, make):
    site, _ = admin_site(make, kind="residential")
    login(client, "alice")

    form = text(client.get(staff_url(site, "new")))
    assert "Room attendant" not in form
    assert 'value="org_admin"' not in form

    refused = client.post(staff_url(site, "new"), data=new_butler_form(roles=["room_attendant"]))
    assert refused.status_code == 422
    assert "Room attendant is a hotel role" in text(refused)
    assert load_user(app, "ben.wong") is None

    refused = client.post(staff_url(site, "new"), data=new_butler_form(roles=["org_admin"]))
    assert refused.status_code == 422
    assert "not given per site" in text(refused)
    assert load_user(app, "ben.wong") is None


def test_a_hotel_offers_hotel_roles_only(app, client, make):
    site, _ = admin_site(make, kind="hotel")
    login(client, "alice")

    form = text(client.get(staff_url(site, "new")))
    assert "Room attendant" in form
    assert 'value="butler"' not in form

    refused = client.post(staff_url(site, "new"), data=new_butler_form(roles=["butler"]))
    assert refused.status_code == 422
    assert "Butler is a role of residential estates" in text(refused)

    created = client.post(
        staff_url(site, "new"), data=new_butler_form(username="mei", roles=["room_attendant"])
    )
    assert created.status_code == 200
    assert roles_of(app, load_user(app, "mei"), site) == {"room_attendant"}


def test_with_htmx_an_invalid_form_comes_back_as_a_422_fragment(client, make):
    site, _ = admin_site(make)
    login(client, "alice")

    refused = client.post(staff_url(site, "new"), data=new_butler_form(roles=[]), headers=HX)

    assert refused.status_code == 422
    assert "<html" not in text(refused)
    assert 'id="new-staff"' in text(refused)
    assert "Choose at least one role." in text(refused)


def test_with_htmx_the_new_account_replaces_the_form(client, make):
    site, _ = admin_site(make)
    login(client, "alice")

    created = client.post(staff_url(site, "new"), data=new_butler_form(), headers=HX)

    assert created.status_code == 200
    assert "<html" not in text(created)
    assert one_time_password(text(created))
    assert "no-store" in created.headers["Cache-Control"]


def test_fields_the_form_does_not_offer_are_ignored(app, client, make):
    site, _ = admin_site(make)
    elsewhere = make.site()  # another company
    login(client, "alice")

    client.post(
        staff_url(site, "new"),
        data=new_butler_form(
            site_id=elsewhere.id,
            organization_id=elsewhere.organization_id,
            is_org_admin="1",
            active="0",
            session_epoch="99",
            password_hash="x",
        ),
    )

    ben = load_user(app, "ben.wong")
    assert ben.organization_id == site.organization_id
    assert ben.is_org_admin is False and ben.active is True and ben.session_epoch == 0
    assert ben.password_hash.startswith("$argon2id$")
    assert roles_of(app, ben, site) == {"butler"}
    assert roles_of(app, ben, elsewhere) == set()


# --- Someone already in the company ----------------------------------------------------


def test_a_colleague_from_another_site_of_the_company_is_added_with_roles(app, client, make):
    site, org = admin_site(make)
    other_site = make.site(org=org)
    helen = make.user(role="health_staff", site=other_site, username="helen", display_name="Helen")
    login(client, "alice")

    added = client.post(
        staff_url(site, "existing"),
        data={"existing-username": "Helen", "existing-roles": ["health_staff", "front_desk"]},
    )

    assert added.status_code == 303
    listed = text(client.get(added.headers["Location"]))
    assert "Helen now works on this site." in listed
    assert roles_of(app, helen, site) == {"health_staff", "front_desk"}
    assert roles_of(app, helen, other_site) == {"health_staff"}
    (record,) = audit_actions(app, "staff.added")
    assert record.object_id == helen.id


def test_staff_of_another_company_cannot_be_added(app, client, make):
    site, _ = admin_site(make)
    stranger = make.user(site=make.site(), username="stranger")
    login(client, "alice")

    refused = client.post(
        staff_url(site, "existing"),
        data={"existing-username": "stranger", "existing-roles": ["butler"]},
    )

    assert refused.status_code == 422
    assert "No one in your organisation has this username." in text(refused)
    assert roles_of(app, stranger, site) == set()


def test_someone_already_on_the_site_is_not_added_twice(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben")
    login(client, "alice")

    refused = client.post(
        staff_url(site, "existing"),
        data={"existing-username": "ben", "existing-roles": ["manager"]},
        headers=HX,
    )

    assert refused.status_code == 422
    assert "Ben already works on this site" in text(refused)
    assert roles_of(app, ben, site) == {"butler"}


# --- The list --------------------------------------------------------------------------


def test_the_list_shows_each_persons_roles_buildings_status_and_last_login(app, client, make):
    site, org = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben Wong")
    make.membership(ben, site, "front_desk")
    make.assignment(ben, make.building(site, code="T1", name="Tower 1"))
    make.user(role="manager", site=site, username="gone", display_name="Gone Away", active=False)
    make.user(role="butler", site=make.site(org=org), username="elsewhere")  # not on this site
    login(client, "alice")

    page = client.get(staff_url(site))

    html = text(page)
    assert page.status_code == 200
    assert "3 members of staff" in html
    row = re.search(rf'<tr id="staff-{ben.id}".*?</tr>', html, re.S).group(0)
    assert "Ben Wong" in row and "ben" in row
    assert "Butler" in row and "Front desk" in row
    assert "T1 Tower 1" in row
    assert "Active" in row and "Never" in row
    assert "Organisation admin" in html  # alice
    assert "Deactivated" in html  # gone
    assert "elsewhere" not in html


def count_statements(app, client, url: str) -> int:
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    client.get(url)  # the worker's first page of the site reads the site and its plugins
    event.listen(engine, "before_cursor_execute", before)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    assert response.status_code == 200
    return len(statements)


def add_staff(make, site, count: int) -> None:
    for _ in range(count):
        user = make.user(site=site)
        make.membership(user, site, "front_desk")
        make.assignment(user, make.building(site))


def test_the_list_takes_as_many_queries_for_30_staff_as_for_3(app, client, make):
    site, _ = admin_site(make)
    add_staff(make, site, 2)
    login(client, "alice")
    few = count_statements(app, client, staff_url(site))

    add_staff(make, site, 27)
    many = count_statements(app, client, staff_url(site))

    assert "30 members of staff" in text(client.get(staff_url(site)))
    assert many == few


# --- Roles on this site ----------------------------------------------------------------


def test_roles_are_added_and_removed(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben")
    login(client, "alice")

    page = client.get(staff_url(site, f"{ben.id}/roles"))
    assert page.status_code == 200 and "Roles of Ben" in text(page)

    saved = client.post(staff_url(site, f"{ben.id}/roles"), data={"roles": ["butler", "manager"]})
    assert saved.status_code == 303
    assert "Roles of Ben saved." in text(client.get(saved.headers["Location"]))
    assert roles_of(app, ben, site) == {"butler", "manager"}

    swapped = client.post(
        staff_url(site, f"{ben.id}/roles"), data={"roles": ["manager"]}, headers=HX
    )
    assert swapped.status_code == 200
    assert text(swapped).lstrip().startswith(f'<tr id="staff-{ben.id}"')
    assert "Manager" in text(swapped) and "Roles of Ben saved." in text(swapped)
    assert roles_of(app, ben, site) == {"manager"}

    changes = [r.detail for r in audit_actions(app, "staff.roles_changed")]
    assert '"added": ["manager"]' in changes[0] and '"removed": ["butler"]' in changes[1]


def test_removing_the_last_role_takes_someone_off_the_site_only(app, client, make):
    site, org = admin_site(make)
    other_site = make.site(org=org)
    ben = make.user(site=site, username="ben", display_name="Ben")
    make.membership(ben, other_site, "butler")
    login(client, "alice")

    gone = client.post(staff_url(site, f"{ben.id}/roles"), data={"roles": []}, headers=HX)

    assert gone.status_code == 200
    assert "Ben no longer works on this site." in text(gone)
    assert roles_of(app, ben, site) == set()
    assert roles_of(app, ben, other_site) == {"butler"}
    assert "Ben" not in text(client.get(staff_url(site)))
    assert client.get(staff_url(site, f"{ben.id}/roles")).status_code == 404
    assert load_user(app, "ben").active is True


def test_a_role_that_does_not_fit_the_site_is_refused_when_editing(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben")
    login(client, "alice")

    refused = client.post(
        staff_url(site, f"{ben.id}/roles"), data={"roles": ["butler", "linen_attendant"]}
    )

    assert refused.status_code == 422
    assert "Linen attendant is a hotel role" in text(refused)
    assert roles_of(app, ben, site) == {"butler"}


def test_an_admin_cannot_remove_their_own_last_role_on_the_site(app, client, make):
    site, _ = admin_site(make)
    alice = load_user(app, "alice")
    make.membership(alice, site, "manager")
    login(client, "alice")

    refused = client.post(staff_url(site, f"{alice.id}/roles"), data={"roles": []}, headers=HX)

    assert refused.status_code == 422
    assert "You cannot remove your own last role on this site." in text(refused)
    assert roles_of(app, alice, site) == {"manager"}


def test_fields_the_roles_form_does_not_offer_are_ignored(app, client, make):
    site, _ = admin_site(make)
    elsewhere = make.site()
    ben = make.user(site=site, username="ben")
    login(client, "alice")

    client.post(
        staff_url(site, f"{ben.id}/roles"),
        data={
            "roles": ["butler", "assistant"],
            "site_id": elsewhere.id,
            "user_id": ben.id + 1000,
            "is_org_admin": "1",
            "active": "0",
            "organization_id": elsewhere.organization_id,
            "session_epoch": "7",
        },
    )

    after = load_user(app, "ben")
    assert (after.is_org_admin, after.active, after.session_epoch) == (False, True, 0)
    assert after.organization_id == site.organization_id
    assert roles_of(app, ben, site) == {"butler", "assistant"}
    assert roles_of(app, ben, elsewhere) == set()


# --- Deactivation ----------------------------------------------------------------------


def test_deactivation_ends_the_users_sessions_and_stops_new_logins(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben")
    bens_phone = app.test_client()
    login(bens_phone, "ben")
    assert bens_phone.get(f"/s/{site.slug}/").status_code == 200
    login(client, "alice")

    done = client.post(staff_url(site, f"{ben.id}/deactivate"), data={"active": "1"})

    assert done.status_code == 303
    listed = text(client.get(done.headers["Location"]))
    assert "Ben is deactivated and can no longer log in." in listed
    assert "Deactivated" in listed
    sent_away = bens_phone.get(f"/s/{site.slug}/")
    assert sent_away.status_code == 302
    assert sent_away.headers["Location"].startswith("/login")
    again = login(app.test_client(), "ben")
    assert again.status_code == 422 and LOGIN_REFUSED in text(again)
    assert load_user(app, "ben").session_epoch == 1
    assert [r.object_id for r in audit_actions(app, "staff.deactivated")] == [ben.id]


def test_a_reactivated_user_can_log_in_again(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben", active=False)
    login(client, "alice")

    swapped = client.post(staff_url(site, f"{ben.id}/reactivate"), headers=HX)

    assert swapped.status_code == 200
    assert "Ben is active again and can log in." in text(swapped)
    assert login(app.test_client(), "ben").status_code == 302
    assert [r.object_id for r in audit_actions(app, "staff.reactivated")] == [ben.id]


def test_deactivating_a_butler_says_which_buildings_need_a_new_one(client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben", display_name="Ben")
    make.assignment(ben, make.building(site))
    make.assignment(ben, make.building(site))
    login(client, "alice")

    swapped = client.post(staff_url(site, f"{ben.id}/deactivate"), headers=HX)

    assert "They still answer for 2 buildings: choose new butlers for them." in text(swapped)


def test_you_cannot_deactivate_yourself(app, client, make):
    site, _ = admin_site(make)
    alice = load_user(app, "alice")
    login(client, "alice")

    refused = client.post(staff_url(site, f"{alice.id}/deactivate"), follow_redirects=True)
    assert "You cannot deactivate yourself." in text(refused)

    refused = client.post(staff_url(site, f"{alice.id}/deactivate"), headers=HX)
    assert refused.status_code == 422
    assert "You cannot deactivate yourself." in text(refused)

    after = load_user(app, "alice")
    assert after.active is True and after.session_epoch == 0
    assert client.get(staff_url(site)).status_code == 200


def test_someone_not_on_this_site_cannot_be_managed_from_it(app, client, make):
    site, org = admin_site(make)
    colleague = make.user(site=make.site(org=org), username="colleague")
    login(client, "alice")

    assert client.post(staff_url(site, f"{colleague.id}/deactivate")).status_code == 404
    assert client.get(staff_url(site, f"{colleague.id}/roles")).status_code == 404
    assert (
        client.post(
            staff_url(site, f"{colleague.id}/roles"), data={"roles": ["butler"]}
        ).status_code
        == 404
    )
    assert load_user(app, "colleague").active is True
    assert roles_of(app, colleague, site) == set()


# --- Butlers of buildings --------------------------------------------------------------


def test_assigning_a_butler_ends_the_previous_assignment_and_keeps_the_history(app, client, make):
    site, _ = admin_site(make, timezone="Asia/Hong_Kong")
    tower = make.building(site, code="T1", name="Tower 1")
    ben = make.user(site=site, username="ben", display_name="Ben Wong")
    carol = make.user(site=site, username="carol", display_name="Carol Chan")
    make.assignment(ben, tower, starts_on=date(2024, 1, 1))
    login(client, "alice")
    today = today_in("Asia/Hong_Kong")

    page = text(client.get(staff_url(site, "assignments")))
    assert "Ben Wong" in page and "Carol Chan" in page

    done = client.post(
        staff_url(site, f"assignments/{tower.id}"),
        data={"butler": str(carol.id), "expected": str(ben.id)},
    )

    assert done.status_code == 303
    page = text(client.get(done.headers["Location"]))
    assert "Carol Chan answers for Tower 1 from today." in page
    assert "2 butlers so far" in page
    assert assignments_of(app, tower) == [
        (ben.id, date(2024, 1, 1), today),
        (carol.id, today, None),
    ]
    assert "T1 Tower 1" in re.search(
        rf'<tr id="staff-{carol.id}".*?</tr>', text(client.get(staff_url(site))), re.S
    ).group(0)

    nobody = client.post(
        staff_url(site, f"assignments/{tower.id}"),
        data={"butler": "", "expected": str(carol.id)},
        headers=HX,
    )
    assert nobody.status_code == 200
    assert text(nobody).lstrip().startswith(f'<tr id="building-{tower.id}"')
    assert "Nobody answers for Tower 1 now." in text(nobody)
    assert [end for _, _, end in assignments_of(app, tower)] == [today, today]
    actions = [r.action for r in audit_actions(app, "butler.")]
    assert actions == ["butler.assigned", "butler.unassigned"]


def test_only_a_butler_of_the_site_can_be_chosen(app, client, make):
    site, org = admin_site(make)
    tower = make.building(site)
    manager = make.user(role="manager", site=site, username="mike")
    other_butler = make.user(site=make.site(org=org), username="otto")
    gone = make.user(site=site, username="gone", active=False)
    login(client, "alice")

    for person in (manager, other_butler, gone):
        refused = client.post(
            staff_url(site, f"assignments/{tower.id}"), data={"butler": str(person.id)}, headers=HX
        )
        assert refused.status_code == 422
        assert "Only an active butler of this site can answer for a building." in text(refused)

    refused = client.post(staff_url(site, f"assignments/{tower.id}"), data={"butler": "x"})
    assert refused.status_code == 422
    assert assignments_of(app, tower) == []
    assert audit_actions(app, "butler.") == []


def test_a_change_made_meanwhile_by_someone_else_is_not_overwritten(app, client, make):
    site, _ = admin_site(make)
    tower = make.building(site)
    ben = make.user(site=site, username="ben", display_name="Ben")
    carol = make.user(site=site, username="carol", display_name="Carol")
    make.assignment(carol, tower)  # saved by another manager after this page was loaded
    login(client, "alice")

    refused = client.post(
        staff_url(site, f"assignments/{tower.id}"),
        data={"butler": str(ben.id), "expected": ""},
        headers=HX,
    )

    assert refused.status_code == 409
    assert "Someone else changed the butler of this building" in text(refused)
    assert "It is now Carol." in text(refused)
    assert assignments_of(app, tower) == [(carol.id, date(2024, 1, 1), None)]


def test_two_managers_choosing_at_the_same_moment_get_409_and_nothing_is_written(
    app, client, make, monkeypatch
):
    from core.views import staff

    site, _ = admin_site(make)
    tower = make.building(site)
    ben = make.user(site=site, username="ben", display_name="Ben")
    carol = make.user(site=site, username="carol", display_name="Carol")
    make.assignment(carol, tower)
    login(client, "alice")

    # This request reads the building before the other manager's assignment of Carol is
    # committed: it sees nobody in charge, so only the database can stop it.
    real = staff.building_rows
    reads = []

    def read_before_the_other_commit(site, building_id=None):
        rows = real(site, building_id)
        if not reads:
            for row in rows:
                row.current = None
        reads.append(building_id)
        return rows

    monkeypatch.setattr(staff, "building_rows", read_before_the_other_commit)

    refused = client.post(
        staff_url(site, f"assignments/{tower.id}"), data={"butler": str(ben.id)}, headers=HX
    )

    assert refused.status_code == 409
    assert "Someone else changed the butler of this building at the same time." in text(refused)
    assert "Nothing was saved." in text(refused)
    assert assignments_of(app, tower) == [(carol.id, date(2024, 1, 1), None)]
    assert audit_actions(app, "butler.") == []


# --- Who may do this -------------------------------------------------------------------


def staff_urls(app, site, user, building) -> list[tuple[str, str]]:
    """(method, URL) of every staff route, with real ids."""
    urls = []
    ids = {"user_id": user.id, "building_id": building.id}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("staff."):
            continue
        path = rule.rule.replace("<site_slug>", site.slug)
        for name in rule.arguments - {"site_slug"}:
            path = re.sub(rf"<(int:)?{name}>", str(ids[name]), path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, path))
    return urls


def test_the_staff_pages_cover_every_route(app, make):
    site = make.site()
    user, building = make.user(site=site), make.building(site)
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")}
    assert {"staff.index", "staff.assignments"} <= endpoints
    assert len(staff_urls(app, site, user, building)) >= 9


@pytest.mark.parametrize("role", ["manager", "butler"])
def test_managers_and_butlers_get_403_on_every_staff_url(app, client, make, role):
    site, _ = admin_site(make)
    make.user(role=role, site=site, username="someone")
    ben = make.user(site=site, username="ben")
    tower = make.building(site)
    login(client, "someone")

    # Managers may reset their own sites' staff's passwords (tested below), nothing else.
    managers_may = {staff_url(site, "passwords"), staff_url(site, f"{ben.id}/password")}
    for method, url in staff_urls(app, site, ben, tower):
        if role == "manager" and url in managers_may:
            continue
        response = client.open(url, method=method, data={"roles": [], "butler": str(ben.id)})
        assert response.status_code == 403, (method, url)

    assert load_user(app, "ben").active is True
    assert roles_of(app, ben, site) == {"butler"}
    assert assignments_of(app, tower) == []


def test_an_org_admin_of_another_company_gets_404(app, client, make):
    site, _ = admin_site(make)
    ben = make.user(site=site, username="ben")
    tower = make.building(site)
    rival_org = make.org()
    make.user(role=None, org_admin=True, org=rival_org, username="rival")
    login(client, "rival")

    for method, url in staff_urls(app, site, ben, tower):
        response = client.open(url, method=method, data={"roles": [], "butler": str(ben.id)})
        assert response.status_code == 404, (method, url)
    assert load_user(app, "ben").active is True


def test_an_org_admin_reaches_no_user_or_building_of_another_company(app, client, make):
    site, _ = admin_site(make)
    theirs = make.site()
    their_butler = make.user(site=theirs, username="theirs")
    their_tower = make.building(theirs)
    login(client, "alice")

    for method, url in staff_urls(app, site, their_butler, their_tower):
        pages = ("/staff/", "/new", "/existing", "/assignments", "/passwords", "/second-factor")
        if url.endswith(pages):
            continue  # pages of this site itself, without another site's ids
        response = client.open(url, method=method, data={"roles": ["butler"], "butler": ""})
        assert response.status_code == 404, (method, url)
    assert load_user(app, "theirs").active is True
    assert roles_of(app, their_butler, site) == set()
    assert assignments_of(app, their_tower) == []


def test_two_managers_saving_at_once_one_wins_and_the_other_gets_409(app, make):
    site, _ = admin_site(make)
    tower = make.building(site)
    ben = make.user(site=site, username="ben", display_name="Ben")
    carol = make.user(site=site, username="carol", display_name="Carol")
    clients = [app.test_client(), app.test_client()]
    for each in clients:
        login(each, "alice")
    start = threading.Barrier(2)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def choose(each, butler) -> None:
        try:
            start.wait(timeout=10)
            response = each.post(
                staff_url(site, f"assignments/{tower.id}"),
                data={"butler": str(butler.id), "expected": ""},
                headers=HX,
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=choose, args=(each, butler))
        for each, butler in zip(clients, (ben, carol), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(statuses) == [200, 409]
    current = [a for a in assignments_of(app, tower) if a[2] is None]
    assert len(current) == 1 and len(assignments_of(app, tower)) == 1
    assert len(audit_actions(app, "butler.assigned")) == 1


def test_every_staff_form_carries_a_csrf_token(app, client, make, csrf_on):
    site, _ = admin_site(make)
    tower = make.building(site)
    ben = make.user(site=site, username="ben")
    login_page = text(client.get("/login"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page).group(1)
    client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf_token": token})

    for url in (staff_url(site), staff_url(site, "new"), staff_url(site, "assignments")):
        html = text(client.get(url))
        forms = re.findall(r"<form .*?</form>", html, re.S)
        assert forms, url
        for form in forms:
            assert re.search(r'name="[\w-]*csrf_token"', form), form[:200]

    refused = client.post(staff_url(site, f"{ben.id}/deactivate"))
    assert refused.status_code == 400
    page = text(client.get(staff_url(site, "new")))
    new_token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    existing_token = re.search(r'name="existing-csrf_token"[^>]*value="([^"]+)"', page)
    assert existing_token
    created = client.post(staff_url(site, "new"), data=new_butler_form(csrf_token=new_token))
    assert created.status_code == 200
    assigned = client.post(
        staff_url(site, f"assignments/{tower.id}"),
        data={"butler": str(ben.id), "csrf_token": new_token},
    )
    assert assigned.status_code == 303
    assert load_user(app, "ben").active is True
