"""People's names, titles and comments are shown isolated, so a direction character cannot flip what follows."""

from __future__ import annotations

from deliberation.discussion.models import Comment
from deliberation.testing import make_user, sign_in


def test_a_name_with_a_right_to_left_override_cannot_flip_the_page(client, db, people, document):
    # Stored before names lost such characters (or typed in a right-to-left script): shown isolated.
    trickster = make_user(db, display_name="Олена\u202eнедобра")
    db.add(
        Comment(document_id=document.id, author_id=trickster.id, body="\u202eперевернуто\n\nдалі", revision_number=1)
    )
    document.title = "Петиція\u202e про водогін"
    db.add(document)
    db.commit()
    sign_in(client, people["member"].email)
    page = client.get(f"/documents/{document.id}/comments").text
    assert "<bdi>Олена\u202eнедобра</bdi>" in page
    assert '<div class="comment-body" dir="auto"><p>\u202eперевернуто</p>' in page
    assert "<bdi>Петиція\u202e про водогін</bdi>" in page
    assert "<title>" in page and "<bdi>" not in page.split("<title>")[1].split("</title>")[0]
    text = client.get(f"/documents/{document.id}").text
    assert "<h1><bdi>Петиція\u202e про водогін</bdi></h1>" in text
