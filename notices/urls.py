"""Letter URLs. A member's letters live under ``members/<int:pk>/letters/`` (so the access
tests that walk the resolver cover them); templates and the mailing batch are program pages."""

from django.urls import path

from notices import views

app_name = "letters"

urlpatterns = [
    path("members/<int:pk>/letters/new/", views.letter_new_view, name="new"),
    path("members/<int:pk>/letters/<int:letter_id>/", views.letter_detail_view, name="detail"),
    path("members/<int:pk>/letters/<int:letter_id>/refresh/", views.letter_refresh_view,
         name="refresh"),
    path("members/<int:pk>/letters/<int:letter_id>/send/", views.letter_send_view,
         name="send"),
    path("members/<int:pk>/letters/<int:letter_id>/mailed/", views.letter_mailed_view,
         name="mailed"),
    path("members/<int:pk>/letters/<int:letter_id>/correct/", views.letter_correct_view,
         name="correct"),
    path("members/<int:pk>/letters/<int:letter_id>/retry-email/",
         views.letter_retry_email_view, name="retry_email"),
    path("letters/templates/", views.template_list_view, name="templates"),
    path("letters/templates/<int:template_id>/", views.template_edit_view, name="template"),
    path("letters/templates/<int:template_id>/preview/", views.template_preview_view,
         name="template_preview"),
    path("letters/templates/<int:template_id>/preview/live/",
         views.template_live_preview_view, name="template_live_preview"),
    path("letters/templates/<int:template_id>/preview/open/",
         views.template_open_preview_view, name="template_open_preview"),
    path("letters/templates/<int:template_id>/approve/", views.template_approve_view,
         name="template_approve"),
    path("letters/mailing/", views.mailing_view, name="mailing"),
    path("letters/mailing/pdf/", views.mailing_pdf_view, name="mailing_pdf"),
]
