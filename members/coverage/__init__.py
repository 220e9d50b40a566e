"""Around the clock (issue 17): the 24/7 on-call roster (PS VI.B.1.b), the senior medical
professional's business-hours availability (PS IV.A.2), leave and backup coverage
(PS IV.A.4), weekly supervision and ongoing medical training of care coordinators
(PS IV.B.2.b.5-6).

It lives in the members app because backup coverage opens a covered colleague's caseload
(``members.access``) and calls to the line are logged against members; its models are this
app's models, kept in their own package like ``members.coordination``."""
