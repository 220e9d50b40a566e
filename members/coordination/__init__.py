"""Care coordination (PS III, IV.A.2, VI.B-D): closed-loop referrals and their follow-ups,
monitoring reviews, the transition to adulthood, contact notes, the 24/7 on-call line,
interdisciplinary case reviews and consultations with the senior medical professional.

The same layers as the rest of ``members``: ``models`` (data and invariants), ``rules`` (pure
functions: the referral pipeline, its FHIR mapping, stale and duplicate flags, the plan
elements), ``services`` (the only writers), ``selectors`` (bounded reads), ``forms`` and
thin ``views``. The models belong to the ``members`` app and are re-exported by
``members.models``.
"""
