"""The report pages: the form without JavaScript, what the public sees, hiding, events."""

from __future__ import annotations

from datetime import date

from deliberation.testing import csrf_token, sign_in

TODAY = date.today().isoformat()


def _form(world, **fields):
    return {
        "oblast": world.a.oblast_code,
        "hromada": world.a.code,
        "status": "carried_out",
        "account": "Рада **ухвалила** положення. <script>alert(1)</script>",
        "done_on": TODAY,
        "links": "https://rada.example/rishennia/12",
        **fields,
    }


def test_a_member_reports_without_javascript_choosing_the_oblast_first(client, world, events_heard):
    member = world.members[0]
    sign_in(client, member.email)
    new = f"{world.address}/reports/new"
    token = csrf_token(client, new)
    step = client.post(new, data={"csrf_token": token, "oblast": world.c.oblast_code, "choose_oblast": "1"})
    assert step.status_code == 200 and f'value="{world.c.code}"' in step.text and "<optgroup" in step.text
    saved = client.post(new, data={"csrf_token": token, **_form(world)}, follow_redirects=False)
    assert saved.status_code == 303 and "#report-" in saved.headers["location"]
    page = client.get(f"{world.address}/reports")
    assert "<strong>ухвалила</strong>" in page.text and "<script>alert" not in page.text
    assert 'rel="nofollow noopener noreferrer"' in page.text and world.a.label in page.text
    assert [name for name, _ in events_heard] == ["report submitted"]
    assert events_heard[0][1]["hromada_code"] == world.a.code and events_heard[0][1]["status"] == "carried_out"


def test_a_refused_report_comes_back_as_typed_with_422_and_nothing_saved(client, world):
    sign_in(client, world.members[0].email)
    new = f"{world.address}/reports/new"
    refused = client.post(
        new, data={"csrf_token": csrf_token(client, new), **_form(world, links="javascript:alert(1)")}
    )
    assert refused.status_code == 422 and "javascript:alert(1)" in refused.text
    assert "Жодна громада ще не звітувала" in client.get(f"{world.address}/reports").text


def test_a_hidden_report_vanishes_for_the_public_and_stays_for_coordinators(client, world, events_heard):
    sign_in(client, world.members[0].email)
    new = f"{world.address}/reports/new"
    client.post(new, data={"csrf_token": csrf_token(client, new), **_form(world, account="Особливий звіт про ремонт.")})
    report_id = client.get(f"{world.address}/reports").text.split('id="report-')[1].split('"')[0]
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, world.coordinator.email)
    hidden = client.post(
        f"/reports/{report_id}/hide",
        data={"csrf_token": csrf_token(client, f"{world.address}/reports"), "reason": "Спам."},
        follow_redirects=False,
    )
    assert hidden.status_code == 303
    assert "Особливий звіт" in client.get(f"{world.address}/reports").text
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    for path in (f"{world.address}/reports", "/reports"):
        page = client.get(path)
        assert page.status_code == 200 and "Особливий звіт" not in page.text
    assert "Особливий звіт" not in client.get(f"{world.address}/reports").text
    assert client.get(f"/reports/{report_id}/edit", follow_redirects=False).status_code == 404
    assert [name for name, _ in events_heard] == ["report submitted", "report hidden"]


def test_the_network_page_draws_an_accessible_chart_beside_a_table(client, world):
    sign_in(client, world.members[0].email)
    new = f"{world.address}/reports/new"
    client.post(new, data={"csrf_token": csrf_token(client, new), **_form(world)})
    page = client.get("/reports")
    assert page.status_code == 200
    assert '<svg class="progress-chart"' in page.text and "<title id=" in page.text and "<desc id=" in page.text
    assert "<script" not in page.text.split("<main", 1)[1].split("</main>")[0]
    assert "1 громада" in page.text
