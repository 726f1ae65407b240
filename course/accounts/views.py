"""Accounts: sign up, log in and out, change or reset a password, delete everything."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from course.operations.ratelimit import rate_limit_hit

from .forms import DeleteAccountForm, SignupForm


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _limited(request: HttpRequest, action: str, limit: int, window: int) -> HttpResponse | None:
    """429 with Retry-After once an address has tried `action` too often (shared across processes)."""
    if request.method != "POST":
        return None
    hit = rate_limit_hit(key=f"{action}:{_client_ip(request)}", limit=limit, window=window)
    if hit.allowed:
        return None
    response = render(request, "accounts/too_many.html", {"retry_after": hit.retry_after, "action": action}, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        return _limited(request, "log-in", settings.LOGIN_ATTEMPTS_PER_WINDOW, settings.LOGIN_WINDOW_SECONDS) or super().post(request, *args, **kwargs)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    refused = _limited(request, "sign-up", settings.LOGIN_ATTEMPTS_PER_WINDOW, settings.LOGIN_WINDOW_SECONDS)
    if refused:
        return refused
    if request.user.is_authenticated:
        return HttpResponseRedirect(reverse("catalogue:home"))
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:  # the same name taken by a sign-up that finished between our check and our save
            form.add_error("username", "A user with that username already exists.")
            return render(request, "registration/signup.html", {"form": form, "next": request.POST.get("next", "")},
                          status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Your account is ready, and everything you did before signing up is in it.")
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("catalogue:home")
        return HttpResponseRedirect(target, status=303)
    return render(request, "registration/signup.html", {"form": form, "next": request.GET.get("next", "")},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect(f"{reverse('accounts:login')}?next={request.path}")
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        request.user.delete()  # attempts go with it (on_delete=CASCADE)
        logout(request)
        messages.success(request, "Your account and everything in it have been deleted.")
        return HttpResponseRedirect(reverse("catalogue:home"), status=303)
    return render(request, "accounts/delete.html", {"form": form}, status=400 if request.method == "POST" else 200)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"

    def post(self, request, *args, **kwargs):
        return _limited(request, "password-reset", settings.LOGIN_ATTEMPTS_PER_WINDOW, settings.LOGIN_WINDOW_SECONDS) or super().post(request, *args, **kwargs)
