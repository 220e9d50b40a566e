"""Care coordination (PS III, IV.A.2, VI.B-D): closed-loop referrals and their follow-ups,
monitoring reviews, the transition to adulthood, contact notes, the 24/7 on-call line,
interdisciplinary case reviews and consultations with the senior medical professional.

Where it sits (issue 14): with ``members``, BELOW ``careplans``. A referral may name the ICP
goal it serves and a monitoring review the ICP version that carries its update; both are
foreign keys declared by name (``"careplans.Goal"``, ``"careplans.CarePlan"``), and the forms
reach their querysets through those keys. Nothing here imports ``careplans``, the deadline
engine or ``notices``: a service tells ``cares.base.events.member_facts_changed`` (or
``staff_facts_changed`` for a consultation), and a page asks ``referral_deadlines`` or
``consult_deadline`` for what the rule book says (answered by ``cares.deadlines.referrals``).
The rule that is coordination's own, the follow-up's 30 days (PS VI.D.2.b), lives in
``rules`` and the rule book reads it from there.

The same layers as the rest of ``members``: ``models`` (data and invariants, by topic),
``rules`` (pure functions: the referral pipeline, its FHIR mapping, the follow-up's due date,
stale and duplicate flags), ``services`` (the only writers, by topic), ``selectors`` (bounded
reads and the timeline), ``forms`` and thin ``views``. The models belong to the ``members`` app
and are re-exported by ``members.models``.
"""
