from django.urls import path

from members import views
from members.coordination import stay_views as stays
from members.coordination import views as coordination

app_name = "members"

urlpatterns = [
    path("", views.member_list_view, name="list"),
    path("new/", views.intake_view, name="intake"),
    path("<int:pk>/", views.member_detail_view, name="detail"),
    path("<int:pk>/edit/", views.member_edit_view, name="edit"),
    path("<int:pk>/eligibility/", views.eligibility_view, name="eligibility"),
    path("<int:pk>/consent/", views.consent_view, name="consent"),
    path("<int:pk>/enroll/", views.enroll_view, name="enroll"),
    path("<int:pk>/care-team/", views.care_team_view, name="care_team"),
    path("<int:pk>/removal/", views.removal_view, name="removal"),
    path("<int:pk>/aftercare/", views.aftercare_view, name="aftercare"),
    path("<int:pk>/terminate/", views.terminate_view, name="terminate"),
    path("<int:pk>/close/", views.close_view, name="close"),
    path("<int:pk>/refer/", views.refer_view, name="refer"),
    path("<int:pk>/guardians/new/", views.guardian_edit_view, name="guardian_add"),
    path("<int:pk>/guardians/<int:guardian_id>/edit/", views.guardian_edit_view,
         name="guardian_edit"),
    path("<int:pk>/contacts/new/", views.contact_add_view, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_id>/remove/", views.contact_remove_view,
         name="contact_remove"),
    path("<int:pk>/releases/new/", views.release_add_view, name="release_add"),
    path("<int:pk>/releases/<int:release_id>/revoke/", views.release_revoke_view,
         name="release_revoke"),
    # Care coordination (PS III, IV.A.2, VI.B-D; CLR)
    path("referrals/", coordination.referral_list_view, name="referrals"),
    path("<int:pk>/referrals/new/", coordination.referral_add_view, name="referral_add"),
    path("<int:pk>/referrals/<int:referral_id>/", coordination.referral_detail_view,
         name="referral_detail"),
    path("<int:pk>/referrals/<int:referral_id>/edit/", coordination.referral_edit_view,
         name="referral_edit"),
    path("<int:pk>/referrals/<int:referral_id>/status/", coordination.referral_status_view,
         name="referral_status"),
    path("<int:pk>/referrals/<int:referral_id>/follow-up/",
         coordination.referral_follow_up_view, name="referral_follow_up"),
    path("<int:pk>/referrals/<int:referral_id>/exception/",
         coordination.referral_exception_view, name="referral_exception"),
    path("<int:pk>/referrals/<int:referral_id>/inquiries/new/",
         coordination.referral_inquiry_view, name="referral_inquiry"),
    path("<int:pk>/referrals/<int:referral_id>/notices/new/",
         coordination.referral_notice_view, name="referral_notice"),
    path("<int:pk>/inquiries/<int:inquiry_id>/answer/", coordination.inquiry_answer_view,
         name="inquiry_answer"),
    path("<int:pk>/monitoring/new/", coordination.monitoring_add_view, name="monitoring_add"),
    path("<int:pk>/monitoring/<int:review_id>/icp/", coordination.monitoring_icp_view,
         name="monitoring_icp"),
    path("<int:pk>/transition/", coordination.transition_plan_view, name="transition_plan"),
    # Hospital stays and emergency-department visits (PS VI.B.1.i, VI.A.1.b.2)
    path("<int:pk>/hospital-stays/new/", stays.stay_add_view, name="stay_add"),
    path("<int:pk>/hospital-stays/<int:stay_id>/", stays.stay_detail_view, name="stay_detail"),
    path("<int:pk>/hospital-stays/<int:stay_id>/discharge/", stays.stay_discharge_view,
         name="stay_discharge"),
    path("<int:pk>/hospital-stays/<int:stay_id>/follow-up/", stays.stay_follow_up_view,
         name="stay_follow_up"),
    path("<int:pk>/hospital-stays/<int:stay_id>/reassessment/", stays.stay_reassessment_view,
         name="stay_reassessment"),
    path("<int:pk>/notes/new/", coordination.contact_add_view, name="contact_record"),
    path("<int:pk>/on-call/new/", coordination.on_call_add_view, name="on_call_add"),
    path("<int:pk>/case-reviews/new/", coordination.case_review_add_view,
         name="case_review_add"),
    path("<int:pk>/consultations/new/", coordination.consult_add_view, name="consult_add"),
    path("consultations/", coordination.consultation_queue_view, name="consultations"),
    path("<int:pk>/consultations/<int:consult_id>/answer/", coordination.consult_answer_view,
         name="consult_answer"),
    path("<int:pk>/consultations/<int:consult_id>/response/",
         coordination.consult_response_view, name="consult_response"),
]

# The provider and agency directory, included at /directory/ as namespace "directory".
directory_patterns = ([
    path("", views.directory_list_view, name="list"),
    path("new/", views.directory_edit_view, name="create"),
    path("<int:provider_id>/edit/", views.directory_edit_view, name="edit"),
], "directory")
