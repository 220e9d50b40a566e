from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from cares import views
from cares.base.sessions import session_view
from cares.base.signin import enroll_view, two_factor_view
from cares.program.dashboards.audit_log import audit_log_view
from members.break_glass import break_glass_view
from members.documents import document_download
from members.urls import directory_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("health/live", views.health_live, name="health_live"),
    path("health/ready", views.health_ready, name="health_ready"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/two-factor/", two_factor_view, name="two_factor"),
    path("accounts/enroll/", enroll_view, name="enroll"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/", session_view, name="session"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("staff/", include("cares.base.staff.urls")),
    path("members/", include("members.urls")),
    path("coverage/", include("members.coverage.urls")),
    path("quality/", include("cares.program.quality.urls")),
    path("", include("notices.urls")),  # members/<pk>/letters/..., letters/...
    path("", include("careplans.urls")),
    path("directory/", include(directory_patterns)),
    path("", include("cares.program.dashboards.urls")),
    path("fhir/", include("cares.program.fhir.urls")),  # read only (issue 21)
    path("audit/", audit_log_view, name="audit_log"),
    path("emergency-access/", break_glass_view, name="break_glass"),
    # One sign-in page for everyone (with lockout): the admin's own login redirects to it.
    path("admin/login/", login_not_required(RedirectView.as_view(
        url=reverse_lazy("login"), query_string=True))),
    path("members/<int:pk>/documents/<int:document_id>/", document_download,
         name="document_download"),
    path("admin/", admin.site.urls),
]
