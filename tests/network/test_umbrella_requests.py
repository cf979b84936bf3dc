"""Umbrella networks hear about requests (issue 18, item 2): a request to join tells the
umbrella's administrators, the requester sees it waiting (and is not offered the same
network again, nor can send it twice), and the decision is mailed to the requester."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from network.directory import services
from network.directory.models import Membership, UmbrellaMembership
from network.directory.notifications import UMBRELLA_DECISION, UMBRELLA_REQUEST
from website.notifications.models import Notification
from website.notifications.services import delivery_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(make_user, make_actor):
    """An umbrella network with a French and an English administrator, and an actor whose
    administrator (English) would like it to join."""
    french_admin = make_user("reseau@example.org", display_name="Fatou")
    umbrella = make_actor(admin=french_admin, is_umbrella=True, name="Réseau des ressourceries")
    english_admin = make_user("network@example.org", preferred_language="en")
    Membership.objects.create(
        actor=umbrella, user=english_admin, role=Membership.Role.ADMIN, status="active"
    )
    requester = make_user("coop@example.org", display_name="Awa Diop", preferred_language="en")
    member = make_actor(admin=requester, name="Recyclerie du Port")
    return {"umbrella": umbrella, "member": member, "requester": requester}


def ask(network):
    return services.umbrella_join_request(
        umbrella=network["umbrella"], member=network["member"], user=network["requester"]
    )


def test_a_request_to_join_tells_the_umbrellas_administrators_in_their_language(
    network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(network)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["network@example.org", "reseau@example.org"]

    english = by_address["network@example.org"]
    assert english.subject == "Request to join Réseau des ressourceries"
    assert "Recyclerie du Port asks to join Réseau des ressourceries." in english.body
    assert "The request was sent by Awa Diop." in english.body
    assert "/en/directory/mine/" in english.body
    assert "/en/directory/acteur-2/" in english.body

    french = by_address["reseau@example.org"]
    assert french.subject == "Demande d’adhésion au réseau «\u00a0Réseau des ressourceries\u00a0»"
    assert (
        "Recyclerie du Port demande à rejoindre le réseau «\u00a0Réseau des ressourceries\u00a0»."
        in french.body
    )
    assert "La demande a été envoyée par Awa Diop." in french.body
    assert "/fr/directory/mine/" in french.body


def test_a_second_request_is_refused_while_the_first_waits(
    network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(network)
    mail.outbox.clear()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        ask(network)
    assert refused.value.code == "already_asked"
    assert "already asked to join Réseau des ressourceries" in refused.value.messages[0]
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        ask(network)
    assert (
        "a déjà demandé à rejoindre le réseau «\u00a0Réseau des ressourceries\u00a0»"
        in refused.value.messages[0]
    )
    assert Notification.objects.filter(kind=UMBRELLA_REQUEST).count() == 1
    assert UmbrellaMembership.objects.count() == 1


def test_the_site_says_the_request_is_already_waiting_instead_of_sent_again(client, network):
    ask(network)
    client.force_login(network["requester"])
    response = client.post(
        f"/en/directory/{network['member'].slug}/umbrella/",
        {"umbrella": network["umbrella"].slug},
        follow=True,
    )
    html = response.content.decode()
    assert "already asked to join Réseau des ressourceries" in html
    assert "will review your request" not in html
    assert Notification.objects.filter(kind=UMBRELLA_REQUEST).count() == 1


def test_a_member_cannot_ask_again_and_a_declined_actor_may(network):
    link = ask(network)
    umbrella_admin = network["umbrella"].memberships.first().user
    services.umbrella_decide(link=link, user=umbrella_admin, approve=False)
    link = ask(network)  # declined: it may ask again, and the admins hear of it again
    assert link.status == UmbrellaMembership.Status.PENDING
    assert Notification.objects.filter(kind=UMBRELLA_REQUEST).count() == 2
    services.umbrella_decide(link=link, user=umbrella_admin, approve=True)
    with pytest.raises(ValidationError) as refused:
        ask(network)
    assert refused.value.code == "already_member"


def test_the_requester_sees_the_request_waiting_and_is_not_offered_that_network_again(
    client, network, make_actor
):
    other = make_actor(is_umbrella=True, name="Autre réseau")
    ask(network)
    client.force_login(network["requester"])
    html = client.get("/en/directory/mine/").content.decode()
    assert "Request to join Réseau des ressourceries waiting for its administrators" in html
    assert f'<option value="{network["umbrella"].slug}">' not in html
    assert f'<option value="{other.slug}">Autre réseau</option>' in html

    UmbrellaMembership.objects.update(status=UmbrellaMembership.Status.APPROVED)
    html = client.get("/en/directory/mine/").content.decode()
    assert "Member of Réseau des ressourceries" in html
    assert f'<option value="{network["umbrella"].slug}">' not in html


def test_my_actors_does_not_grow_in_queries_with_the_number_of_actors_and_networks(
    client, make_user, make_actor
):
    person = make_user()
    client.force_login(person)

    def add(n):
        for index in range(n):
            umbrella = make_actor(is_umbrella=True, name=f"Réseau {index}")
            member = make_actor(admin=person, name=f"Membre {index}")
            UmbrellaMembership.objects.create(umbrella=umbrella, member=member)

    add(1)
    client.get("/en/directory/mine/")  # sessions, sites and locales warmed up
    with CaptureQueriesContext(connection) as one:
        assert client.get("/en/directory/mine/").status_code == 200
    add(4)
    client.get("/en/directory/mine/")  # the menus kept for everybody made again after writes
    with CaptureQueriesContext(connection) as five:
        html = client.get("/en/directory/mine/").content.decode()
    assert html.count("waiting for its administrators") == 5
    assert len(five) == len(one)


@pytest.mark.parametrize(
    ("approve", "language", "subject", "body"),
    [
        (
            True,
            "en",
            "Recyclerie du Port joined Réseau des ressourceries",
            "The administrators of Réseau des ressourceries accepted Recyclerie du Port",
        ),
        (
            True,
            "fr",
            "Recyclerie du Port a rejoint le réseau «\u00a0Réseau des ressourceries\u00a0»",
            "Les personnes qui administrent le réseau «\u00a0Réseau des ressourceries\u00a0» "
            "ont accepté",
        ),
        (
            False,
            "en",
            "Request to join Réseau des ressourceries declined",
            "The administrators of Réseau des ressourceries declined the request",
        ),
        (
            False,
            "fr",
            "Demande d’adhésion au réseau «\u00a0Réseau des ressourceries\u00a0» refusée",
            "Les personnes qui administrent le réseau «\u00a0Réseau des ressourceries\u00a0» "
            "ont refusé",
        ),
    ],
)
def test_the_decision_is_mailed_to_the_requester_in_their_language(
    network, approve, language, subject, body, django_capture_on_commit_callbacks
):
    requester = network["requester"]
    requester.preferred_language = language
    requester.save(update_fields=["preferred_language"])
    link = ask(network)
    umbrella_admin = network["umbrella"].memberships.first().user
    with django_capture_on_commit_callbacks(execute=True):
        services.umbrella_decide(link=link, user=umbrella_admin, approve=approve)
    (message,) = mail.outbox
    assert message.to == ["coop@example.org"]
    assert message.subject == subject
    assert body in message.body
    assert f"/{language}/directory/" in message.body


def test_a_decided_request_cannot_be_decided_again_nor_mailed_twice(client, network):
    link = ask(network)
    umbrella_admin = network["umbrella"].memberships.first().user
    services.umbrella_decide(link=link, user=umbrella_admin, approve=True)
    with pytest.raises(ValidationError):
        services.umbrella_decide(link=link, user=umbrella_admin, approve=False)
    client.force_login(umbrella_admin)
    response = client.post(
        f"/en/directory/umbrella-requests/{link.pk}/decide/", {"decision": "decline"}, follow=True
    )
    assert "This request was already decided." in response.content.decode()
    link.refresh_from_db()
    assert link.status == UmbrellaMembership.Status.APPROVED
    assert Notification.objects.filter(kind=UMBRELLA_DECISION).count() == 1


def test_nothing_is_sent_to_the_admins_for_a_request_decided_before_the_mail_left(network):
    link = ask(network)
    umbrella_admin = network["umbrella"].memberships.first().user
    services.umbrella_decide(link=link, user=umbrella_admin, approve=True)
    for delivery in Notification.objects.get(kind=UMBRELLA_REQUEST).deliveries.all():
        delivery_send(delivery_id=delivery.pk)
    assert mail.outbox == []


def test_a_member_archived_since_it_asked_is_not_approved(make_user, make_actor):
    from network.directory.models import ActorStatus, UmbrellaMembership

    admin, requester = make_user(), make_user()
    umbrella = make_actor(admin=admin, is_umbrella=True, name="Réseau")
    member = make_actor(admin=requester, name="Recyclerie")
    link = services.umbrella_join_request(umbrella=umbrella, member=member, user=requester)
    member.status = ActorStatus.ARCHIVED
    member.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        services.umbrella_decide(link=link, user=admin, approve=True)
    link.refresh_from_db()
    assert link.status == UmbrellaMembership.Status.PENDING
    services.umbrella_decide(link=link, user=admin, approve=False)  # declining still works
