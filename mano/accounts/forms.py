"""Account forms: validation only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from mano.accounts.models import Role, Team

PASSWORD_MAX = 128


class LoginForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        max_length=PASSWORD_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class UnlockForm(forms.Form):
    password = forms.CharField(
        label=_("Mot de passe"),
        max_length=PASSWORD_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class NewPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Nouveau mot de passe"),
        max_length=PASSWORD_MAX,
        strip=False,
        help_text=_("Au moins 12 caractères. Une phrase facile à retenir convient très bien."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Confirmez le mot de passe"),
        max_length=PASSWORD_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password)
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Les deux mots de passe ne sont pas identiques."))
        return data


class ActivationForm(NewPasswordForm):
    name = forms.CharField(label=_("Votre nom"), max_length=120)
    field_order = ["name", "password", "password_again"]


class PasswordChangeForm(NewPasswordForm):
    current = forms.CharField(
        label=_("Mot de passe actuel"),
        max_length=PASSWORD_MAX,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["current", "password", "password_again"]


class ResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)


class AccountForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'équipe"), max_length=80)
    night_team = forms.BooleanField(
        label=_("Équipe de nuit"),
        required=False,
        help_text=_("Sa journée va de midi à midi : une maraude de 20 h à 2 h compte pour un seul jour."),
    )


MEMBER_ROLES = [(r.value, r.label) for r in Role if r != Role.SUPERADMIN]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    role = forms.ChoiceField(label=_("Rôle"), choices=MEMBER_ROLES, initial=Role.NORMAL)
    is_health_professional = forms.BooleanField(
        label=_("Professionnel·le de santé"),
        required=False,
        help_text=_("Donne accès au dossier médical. Impossible avec l'accès restreint."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Équipes"), queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["teams"].error_messages["required"] = _("Choisissez au moins une équipe.")


class InviteForm(MemberForm):
    email = forms.EmailField(label=_("Adresse e-mail"), max_length=254)
    field_order = ["email", "name", "phone", "role", "is_health_professional", "teams"]


class MemberEditForm(MemberForm):
    disabled = forms.BooleanField(
        label=_("Compte désactivé"), required=False, help_text=_("Retire l'accès aux données et ferme ses sessions.")
    )


class OrganisationForm(forms.Form):
    idle_minutes = forms.IntegerField(label=_("Verrouillage après inactivité (minutes)"), min_value=5, max_value=120)


class RecoveryForm(forms.Form):
    code = forms.CharField(
        label=_("Code de récupération"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'organisation"), max_length=120)
    admin_name = forms.CharField(label=_("Nom de l'administrateur·rice"), max_length=120)
    admin_email = forms.EmailField(label=_("E-mail de l'administrateur·rice"), max_length=254)
