"""Reads compiled once (vcs_portal/core/prepared.py): the same answers as the ORM, or a refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from contacts.models import Task, TaskKind, TaskStatus
from contacts.selectors import my_tasks, open_task_count
from tests.factories import TOTPDeviceFactory
from vcs_portal.core.models import AuditEvent, User
from vcs_portal.core.prepared import Prepared, PreparedInsert

pytestmark = pytest.mark.django_db


def task(case, owner, status=TaskStatus.OPEN):
    return Task.objects.create(
        case=case,
        owner=owner,
        status=status,
        outcome="Called" if status != TaskStatus.OPEN else "",
        completed_at=timezone.now() if status != TaskStatus.OPEN else None,
        kind=TaskKind.values[0],
        title="Call",
        due_on=timezone.localdate(),
    )


by_pk: Prepared[User] = Prepared(lambda pk: User.objects.filter(pk=pk))


def test_first_returns_the_row_the_orm_returns_field_for_field(vlo, teammate):
    for user in (vlo, teammate):
        ours = by_pk.first(user.pk)
        theirs = User.objects.get(pk=user.pk)
        assert ours is not None and ours._state.adding is False and ours._state.db == "default"
        for field in User._meta.concrete_fields:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name


def test_first_is_none_when_nothing_matches(vlo):
    assert by_pk.first(vlo.pk + 10_000) is None


def test_the_sql_is_compiled_once_and_run_with_each_call_s_values(vlo, teammate):
    by_pk.first(vlo.pk)
    with CaptureQueriesContext(connection) as captured:
        assert by_pk.first(teammate.pk).pk == teammate.pk
        assert by_pk.first(vlo.pk).pk == vlo.pk
    assert len(captured.captured_queries) == 2
    assert len({q["sql"].replace(str(teammate.pk), str(vlo.pk)) for q in captured.captured_queries}) == 1


def test_a_moment_is_a_parameter_like_any_other():
    live = Prepared(lambda key, now: Session.objects.filter(session_key=key, expire_date__gt=now))
    now = timezone.now()
    Session.objects.create(session_key="k" * 32, session_data="x", expire_date=now + timedelta(hours=1))
    assert live.first("k" * 32, now) is not None
    assert live.first("k" * 32, now + timedelta(hours=2)) is None


def test_it_refuses_what_it_cannot_run_faithfully(vlo):
    with pytest.raises(ValueError, match="values_list"):
        Prepared(lambda pk: User.objects.filter(pk=pk).values_list("email")).first(vlo.pk)
    with pytest.raises(ValueError, match="values_list, prefetch"):
        Prepared(lambda pk: User.objects.filter(pk=pk).prefetch_related("tasks")).first(vlo.pk)
    with pytest.raises(ValueError, match="worked out from an argument"):
        # ``day`` reaches the SQL as itself and, a second time, as a day four weeks before it.
        both = Prepared(
            lambda day: Task.objects.filter(due_on__lte=day, completed_at__date__gte=day - timedelta(days=28))
        )
        both.all(timezone.localdate())
    with pytest.raises(ValueError, match="written into the SQL"):
        Prepared(lambda pk: User.objects.annotate(n=RawSQL(f"{pk}", ()))).first(vlo.pk)  # noqa: S611
    with pytest.raises(ValueError, match="parameter of its own"):
        four_weeks_before = Prepared(lambda day: Task.objects.filter(due_on__lt=day - timedelta(days=28)))
        four_weeks_before.all(timezone.localdate())
    with pytest.raises(ValueError, match="parameter of its own"):
        Prepared(lambda pk, team_id: User.objects.filter(pk=pk)).all(vlo.pk, vlo.team_id)
    with pytest.raises(TypeError):
        Prepared(lambda active: User.objects.filter(is_active=active)).first(True)


def test_related_objects_annotations_and_deferred_fields_come_back_as_the_orm_makes_them(vlo, teammate):
    def build(team_id):
        return (
            User.objects.filter(team_id=team_id)
            .select_related("team__region")
            .only("first_name", "team__name", "team__region__name")
            .annotate(twice=F("pk") * 2)
            .order_by("-pk")
        )

    ours = Prepared(build).all(vlo.team_id)
    theirs = list(build(vlo.team_id))
    assert [u.pk for u in ours] == [u.pk for u in theirs] and len(ours) >= 2
    for a, b in zip(ours, theirs, strict=True):
        assert (a.first_name, a.twice, a.team.name, a.team.region.name) == (
            b.first_name,
            b.twice,
            b.team.name,
            b.team.region.name,
        )
        assert a.get_deferred_fields() == b.get_deferred_fields()


def test_a_day_and_a_slice(vlo, make_case):
    today = timezone.localdate()
    for n in range(3):
        Task.objects.filter(pk=task(make_case(vlo), vlo).pk).update(due_on=today - timedelta(days=n))
    soonest = Prepared(
        lambda owner, day: Task.objects.filter(owner_id=owner, due_on__lt=day).order_by("due_on")[:1]
    )
    assert [t.due_on for t in soonest.all(vlo.pk, today)] == [today - timedelta(days=2)]
    assert [t.due_on for t in soonest.all(vlo.pk, today - timedelta(days=2))] == []


def test_a_query_that_can_match_nothing_runs_no_sql(django_assert_num_queries):
    nothing = Prepared(lambda pk, ids: User.objects.filter(pk=pk, pk__in=ids))
    with django_assert_num_queries(0):
        assert nothing.first(1, fixed=((),)) is None
        assert nothing.all(1, fixed=((),)) == []
        assert nothing.count(1, fixed=((),)) == 0


@pytest.mark.parametrize("who", ["vlo", "manager", "regional_manager", "outsider", "other_team_vlo"])
def test_the_open_task_count_is_the_my_tasks_list_s_length(who, request, make_case, vlo, teammate, outsider):
    user = request.getfixturevalue(who)
    mine, theirs = make_case(vlo), make_case(outsider)
    for case in (mine, theirs):
        task(case, user), task(case, user), task(case, user, status=TaskStatus.DONE)
    task(mine, teammate)  # someone else's
    expected = my_tasks(user=user, today=timezone.localdate()).count()
    assert open_task_count(user=user) == expected
    assert expected == (2 if who in {"vlo", "manager", "regional_manager", "outsider"} else 0)


def test_the_open_task_count_of_a_user_without_a_team_or_region_is_nought(
    make_case, vlo, django_assert_num_queries
):
    task(make_case(vlo), vlo)
    # Alice as she would be read while moving team (the database requires a VLO to have a team).
    adrift = User(pk=vlo.pk, role=vlo.role, is_active=True, team=None, region=vlo.region)
    with django_assert_num_queries(0):
        assert open_task_count(user=adrift) == 0
    assert open_task_count(user=vlo) == 1


def test_a_session_naming_another_user_s_device_is_not_verified(vlo, teammate, vlo_client):
    """The device read compiled once still checks it is the user's own and confirmed."""
    other = TOTPDeviceFactory(user=teammate)
    session = vlo_client.session
    session[DEVICE_ID_SESSION_KEY] = other.persistent_id
    session.save()
    response = vlo_client.get(reverse("victims:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:mfa_verify"))


def test_a_session_naming_an_unconfirmed_or_deleted_device_is_not_verified(vlo, vlo_client):
    device = vlo.totpdevice_set.get()
    device.confirmed = False
    device.save()
    assert vlo_client.get(reverse("victims:caseload")).status_code == 302
    vlo_client_device = TOTPDeviceFactory(user=vlo)
    session = vlo_client.session
    session[DEVICE_ID_SESSION_KEY] = vlo_client_device.persistent_id
    session.save()
    assert vlo_client.get(reverse("victims:caseload")).status_code == 200
    vlo_client_device.delete()
    assert vlo_client.get(reverse("victims:caseload")).status_code == 302


def test_an_expired_session_is_not_read(vlo, vlo_client):
    Session.objects.filter(session_key=vlo_client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = vlo_client.get(reverse("victims:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_a_deactivated_user_is_signed_out_on_the_next_request(vlo, vlo_client):
    User.objects.filter(pk=vlo.pk).update(is_active=False)
    response = vlo_client.get(reverse("victims:caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


by_pks: Prepared[User] = Prepared(lambda pks: User.objects.filter(pk__any_of=pks).order_by("pk"))


def test_a_list_of_ids_is_one_array_parameter_whatever_its_length(vlo, teammate):
    by_pks.all([vlo.pk])
    with CaptureQueriesContext(connection) as captured:
        assert [u.pk for u in by_pks.all([teammate.pk, vlo.pk, vlo.pk + 10_000])] == sorted(
            [vlo.pk, teammate.pk]
        )
        assert [u.pk for u in by_pks.all([vlo.pk])] == [vlo.pk]
        assert by_pks.all([]) == []
    # One statement, run with each list (its SQL rides along as a comment).
    sqls = {q["sql"].split("/* ")[-1] for q in captured.captured_queries}
    assert len(sqls) == 1 and all("= ANY(" in q["sql"] for q in captured.captured_queries)
    # The lookup agrees with ``__in`` through the ORM too.
    assert list(User.objects.filter(pk__any_of=[vlo.pk]).values_list("pk", flat=True)) == [vlo.pk]
    assert not User.objects.filter(pk__any_of=[]).exists()


def test_prepared_insert_writes_the_row_the_orm_writes(vlo):
    insert = PreparedInsert(AuditEvent)
    values = {"actor": vlo, "action": "view", "object_type": "victims.Case", "summary": "a <list>"}
    ours = insert.create(**values, changes={"a": [1, 2]})
    again = insert.create(**values)
    theirs = AuditEvent.objects.create(**values, changes={"a": [1, 2]})
    assert ours.pk and again.pk == ours.pk + 1 and not ours._state.adding and ours._state.db == "default"
    read = AuditEvent.objects.get(pk=ours.pk)
    for field in AuditEvent._meta.concrete_fields:
        if field.name not in {"id", "at"}:
            assert getattr(read, field.attname) == getattr(theirs, field.attname), field.name
    assert read.at == ours.at and AuditEvent.objects.get(pk=again.pk).changes == {}


def test_a_statement_is_prepared_once_per_connection_and_outlives_a_rollback(vlo, teammate):
    from django.db import transaction

    once: Prepared[User] = Prepared(lambda pk: User.objects.filter(pk=pk))
    with transaction.atomic():
        sid = transaction.savepoint()
        assert once.first(vlo.pk).pk == vlo.pk
        transaction.savepoint_rollback(sid)  # PREPARE is not undone with the work around it
        with CaptureQueriesContext(connection) as captured:
            assert once.first(teammate.pk).pk == teammate.pk
    (query,) = captured.captured_queries  # the EXECUTE alone; the PREPARE is never a request's query
    assert query["sql"].startswith("EXECUTE vcs_prepared_") and 'FROM "core_user"' in query["sql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'vcs_prepared_%%'")
        assert cursor.fetchone()[0] >= 1


def test_with_prepared_statements_off_the_same_sql_runs_plain(vlo, settings):
    settings.VCS_PREPARE_STATEMENTS = False
    plain: Prepared[User] = Prepared(lambda pk: User.objects.filter(pk=pk))
    with CaptureQueriesContext(connection) as captured:
        assert plain.first(vlo.pk).pk == vlo.pk
    assert captured.captured_queries[0]["sql"].startswith('SELECT "core_user"."id"')


def test_a_read_planned_each_time_runs_its_compiled_sql_plain(vlo, teammate):
    each: Prepared[User] = Prepared(lambda pk: User.objects.filter(pk=pk), plan_each_time=True)
    with CaptureQueriesContext(connection) as captured:
        assert each.first(vlo.pk).pk == vlo.pk
        assert each.first(teammate.pk).pk == teammate.pk
    assert [q["sql"].startswith('SELECT "core_user"."id"') for q in captured.captured_queries] == [True, True]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%core_user%%'")
        before = cursor.fetchone()[0]
        each.first(vlo.pk)
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%core_user%%'")
        assert cursor.fetchone()[0] == before  # nothing prepared on the server for it


def test_a_window_is_the_orm_s_slice_with_one_sql_for_every_page(vlo, teammate, outsider):
    def build(role):
        return User.objects.filter(role=role).order_by("last_name", "pk")

    paged: Prepared[User] = Prepared(build)
    everyone = list(build(vlo.role))
    assert len(everyone) >= 2
    with CaptureQueriesContext(connection) as captured:
        pages = [paged.window(offset, 1, vlo.role) for offset in range(len(everyone) + 1)]
    assert [user.pk for page in pages for user in page] == [user.pk for user in everyone]
    assert pages[-1] == []  # past the end
    # The bounds are parameters: one statement, executed with each page's.
    assert len({q["sql"].partition("(")[0] for q in captured.captured_queries}) == 1
    with pytest.raises(ValueError, match="sliced"):
        Prepared(lambda role: build(role)[:5]).window(0, 1, vlo.role)


def test_a_values_aggregate_comes_back_as_the_orm_s_dicts(vlo, teammate, make_case):
    from django.db.models import Count, Max, Q

    case = make_case(vlo)
    task(case, vlo)
    task(case, vlo, status=TaskStatus.DONE)
    task(case, teammate)

    def build(owner_ids, day):
        return (
            Task.objects.filter(owner_id__any_of=owner_ids)
            .order_by("owner_id")
            .values("owner_id")
            .annotate(open=Count("pk", filter=Q(status=TaskStatus.OPEN, due_on__lte=day)), last=Max("due_on"))
        )

    ours = Prepared(build).all([vlo.pk, teammate.pk], timezone.localdate())
    assert ours == list(build([vlo.pk, teammate.pk], timezone.localdate()))
    assert [row["open"] for row in ours] == [1, 1] and isinstance(ours[0]["last"], type(timezone.localdate()))


@pytest.mark.django_db(transaction=True)
def test_a_statement_deallocated_behind_its_back_is_prepared_again(vlo):
    again: Prepared[User] = Prepared(lambda pk: User.objects.filter(pk=pk))
    assert again.first(vlo.pk).pk == vlo.pk
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler's DISCARD ALL would
    assert again.first(vlo.pk).pk == vlo.pk
    assert again.first(vlo.pk).pk == vlo.pk
