"""What a page's path names, loaded or a 404: one loader for each, shared by every page that names it.

A draft is for its workshop's members: to everyone else it does not exist (404, never 403, so its
address tells nothing). Someone signed out with the built-in accounts is asked to sign in first
instead, since the draft may well be theirs once they have.
"""

from __future__ import annotations

from starlette.requests import Request

from ..consultations import queries as consultation_queries
from ..consultations.models import Consultation
from ..consultations.rules import can_read_consultation
from ..drafting import queries as drafting_queries
from ..drafting.models import Revision
from ..drafting.queries import DocumentView
from ..drafting.rules import can_read_document
from ..errors import NotFound, found
from ..forums import queries as forum_queries
from ..forums.models import Forum
from ..i18n import N_
from ..proposals import queries as proposal_queries
from ..proposals import rules as proposal_rules
from ..proposals.models import Poll, Proposal, ProposalComment
from ..workshops import queries as workshop_queries
from ..workshops.models import Membership, Workshop
from . import params
from .context import Ctx


def _path_id(request: Request, name: str) -> int:
    value: int = request.path_params[name]
    return value


def _unseen(ctx: Ctx, missing: NotFound) -> NotFound:
    """The 404 for what the actor may not read; someone signed out with the built-in accounts is
    asked to sign in first (the module's docstring says why)."""
    if ctx.actor is None and ctx.app_state.identity is None:
        ctx.require_actor()
    return missing


def forum(ctx: Ctx, forum_id: int | None = None) -> Forum:
    """The forum ``forum_id``, or else the one the path names."""
    row = forum_queries.get_forum(ctx.db, _path_id(ctx.request, "forum_id") if forum_id is None else forum_id)
    return found(row, NotFound("forum_not_found", N_("There is no such forum.")))


def workshop(ctx: Ctx) -> Workshop:
    row = workshop_queries.get_workshop(ctx.db, _path_id(ctx.request, "workshop_id"))
    return found(row, NotFound("workshop_not_found", N_("There is no such workshop.")))


def membership(ctx: Ctx, workshop_id: int) -> Membership | None:
    """The actor's membership of the workshop, if they have one."""
    return workshop_queries.get_membership(ctx.db, workshop_id=workshop_id, user_id=ctx.actor.id if ctx.actor else None)


def document_not_found() -> NotFound:
    return NotFound("document_not_found", N_("There is no such document, or it is not public."))


def revision_not_found() -> NotFound:
    return NotFound("revision_not_found", N_("There is no such version of this document."))


def document_view(ctx: Ctx, document_id: int | None = None, number: int | None = None) -> DocumentView:
    """The document ``document_id`` (else the path's) as the actor may read it, at version ``number``
    (else its newest)."""
    wanted = _path_id(ctx.request, "document_id") if document_id is None else document_id
    view = drafting_queries.get_document_view(ctx.db, document_id=wanted, number=number)
    if view is None:
        raise revision_not_found() if number else document_not_found()
    if not can_read_document(ctx.actor, view.document):
        # Drafts are for members: to everyone else they do not exist.
        raise _unseen(ctx, document_not_found())
    return view


def compared_revisions(ctx: Ctx, view: DocumentView) -> tuple[Revision, Revision]:
    """The two versions of ``view``'s document that ``?from=`` and ``?to=`` name: by default the
    newest and the one before it."""
    document_id, head = view.document.id, view.document.head_number
    assert document_id is not None  # read from the table, so saved
    query = ctx.request.query_params
    old_number = params.number(query.get("from"), name="from", minimum=0, default=max(1, head - 1))
    new_number = params.number(query.get("to"), name="to", minimum=0, default=head)
    revisions = drafting_queries.get_revisions(ctx.db, document_id=document_id, numbers=[old_number, new_number])
    if old_number not in revisions or new_number not in revisions:
        raise revision_not_found()
    return revisions[old_number], revisions[new_number]


def consultation_not_found() -> NotFound:
    return NotFound("consultation_not_found", N_("There is no such consultation."))


def consultation(ctx: Ctx) -> Consultation:
    """The consultation the path names, for its requester, its assignee and coordinators only: to
    anyone else it does not exist (404, the same answer as for an id nobody used)."""
    row = consultation_queries.get_consultation(ctx.db, _path_id(ctx.request, "consultation_id"))
    if row is None or not can_read_consultation(ctx.actor, row):
        raise _unseen(ctx, consultation_not_found())
    return row


def proposal(ctx: Ctx) -> Proposal:
    row = proposal_queries.get_proposal(ctx.db, _path_id(ctx.request, "proposal_id"))
    # A hidden proposal is for coordinators only: to everyone else it is not there.
    if row is None or not proposal_rules.can_see_proposal(ctx.actor, row):
        raise NotFound("proposal_not_found", N_("There is no such proposal."))
    return row


def proposal_comment(ctx: Ctx) -> ProposalComment:
    row = proposal_queries.get_proposal_comment(ctx.db, _path_id(ctx.request, "comment_id"))
    # A hidden comment is for coordinators only: to everyone else it is not there.
    if row is None or (row.hidden_at is not None and not proposal_rules.can_see_hidden_comments(ctx.actor)):
        raise NotFound("comment_not_found", N_("There is no such comment."))
    return row


def poll(ctx: Ctx) -> Poll:
    row = proposal_queries.get_poll(ctx.db, _path_id(ctx.request, "poll_id"))
    return found(row, NotFound("poll_not_found", N_("There is no such poll.")))
