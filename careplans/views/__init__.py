"""Assessment and care plan pages (PS VI.A), and the responders' emergency plan page.

Thin, as the member pages: ``members.access.member_view`` gets the member (404 outside one's
care teams, 403 on a page that writes for a user who may only read), forms validate, one
service writes (``cares.base.toolkit.form_flow``), and a refusal shows the service's reasons
and saves nothing. Clinical detail (the assessment's sections, the health summary, the
emergency plan) is shown only to users who may see it (``may_see_clinical``); family support
staff see the ICP's team, goals and action steps.

- ``assessments``: the comprehensive assessment and reassessments (PS VI.A.1.a-b).
- ``plans``: the overview and the ICP's versions and parts (PS VI.A.1.c).
- ``copies``: sharing with the PCP, copies and deliveries to the family (PS VI.A.1.c.4-5, VIII).
- ``emergency``: the emergency plan and responder links (PS VI.A.1.c.5.e).
"""
