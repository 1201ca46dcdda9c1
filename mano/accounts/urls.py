from __future__ import annotations

from django.urls import path

from mano.accounts.views import account, admin, auth, home, platform

app_name = "accounts"

urlpatterns = [
    path("", home.home_view, name="home"),
    path("connexion/", auth.login_view, name="login"),
    path("deconnexion/", auth.logout_view, name="logout"),
    path("verrouiller/", auth.lock_view, name="lock"),
    path("deverrouiller/", auth.unlock_view, name="unlock"),
    path("charte/", auth.charter_view, name="charter"),
    path("en-attente/", auth.waiting_view, name="waiting"),
    path("activer/<str:token>/", auth.activate_view, name="activate"),
    path("mot-de-passe-oublie/", auth.reset_request_view, name="reset-request"),
    path("reinitialiser/<str:token>/", auth.reset_view, name="reset"),
    path("compte/", account.account_view, name="account"),
    path("compte/mot-de-passe/", account.password_change_view, name="password"),
    path("compte/sessions/", account.sessions_view, name="sessions"),
    path("compte/sessions/<int:session_id>/fermer/", account.session_end_view, name="session-end"),
    path("equipe/", account.team_switch_view, name="team-switch"),
    path("organisation/", admin.organisation_view, name="organisation"),
    path("organisation/membres/", admin.member_list_view, name="members"),
    path("organisation/membres/inviter/", admin.member_invite_view, name="member-invite"),
    path("organisation/membres/<uuid:member_id>/", admin.member_edit_view, name="member-edit"),
    path("organisation/membres/<uuid:member_id>/acces/", admin.member_grant_view, name="member-grant"),
    path("organisation/membres/<uuid:member_id>/relancer/", admin.member_resend_view, name="member-resend"),
    path("organisation/equipes/", admin.team_list_view, name="teams"),
    path("organisation/equipes/<uuid:team_id>/", admin.team_edit_view, name="team-edit"),
    path("organisation/journal/", admin.audit_view, name="audit"),
    path("organisation/recuperation/", admin.recovery_view, name="recovery"),
    path("plateforme/", platform.organisation_list_view, name="platform"),
    path("plateforme/nouvelle/", platform.organisation_create_view, name="platform-create"),
]
