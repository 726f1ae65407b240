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

from course.operations.clients import client_address
from course.operations.ratelimit import Limit, rate_limit_hit, rate_limit_release

from .forms import DeleteAccountForm, SignupForm


def _too_many(request: HttpRequest, hit: Limit, action: str, reason: str) -> HttpResponse:
    response = render(request, "accounts/too_many.html",
                      {"retry_after": hit.retry_after, "action": action, "reason": reason}, status=429)
    response["Retry-After"] = str(hit.retry_after)
    return response


def _limited(request: HttpRequest, action: str, limit: int, window: int) -> HttpResponse | None:
    """429 with Retry-After once an address has tried `action` too often (shared across processes)."""
    if request.method != "POST":
        return None
    hit = rate_limit_hit(key=f"{action}:{client_address(request)}", limit=limit, window=window)
    if hit.allowed:
        return None
    return _too_many(request, hit, action, f"More than {limit} {action} requests came from your network in "
                                          f"{window // 60} minutes.")


def _account_key(username: str) -> str:
    # The name as the log-in form would match it; bounded, so a huge name is one ordinary key.
    return username.strip().casefold()[:150]


class LoginView(auth_views.LoginView):
    """Log-in, limited on wrong passwords only: per account from one address, and per address overall.

    A slot is taken before the password is checked (so a burst of guesses
    cannot outrun the count) and given back when the password was right.
    Someone guessing at an account from their own address therefore locks
    only themselves out of it; the owner, from any other address, logs in.
    """

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        address = client_address(request)
        window = settings.LOGIN_WINDOW_SECONDS
        name = _account_key(str(request.POST.get("username", "")))
        per_account = rate_limit_hit(key=f"log-in:{address}:{name}", limit=settings.LOGIN_FAILURES_PER_ACCOUNT,
                                     window=window)
        if not per_account.allowed:
            return _too_many(request, per_account, "log-in",
                             f"There were more than {settings.LOGIN_FAILURES_PER_ACCOUNT} wrong passwords for this "
                             f"account from your network in {window // 60} minutes.")
        per_address = rate_limit_hit(key=f"log-in-address:{address}", limit=settings.LOGIN_FAILURES_PER_ADDRESS,
                                     window=window)
        if not per_address.allowed:
            rate_limit_release(per_account)
            return _too_many(request, per_address, "log-in",
                             f"There were more than {settings.LOGIN_FAILURES_PER_ADDRESS} wrong passwords from your "
                             f"network in {window // 60} minutes.")
        self._slots = (per_account, per_address)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        for slot in getattr(self, "_slots", ()):  # the password was right: this attempt does not count
            rate_limit_release(slot)
        return super().form_valid(form)


@require_http_methods(["GET", "HEAD", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    refused = _limited(request, "sign-up", settings.SIGNUPS_PER_ADDRESS, settings.LOGIN_WINDOW_SECONDS)
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
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
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
        if not settings.PASSWORD_RESET_AVAILABLE:
            return self.render_to_response(self.get_context_data(), status=503)
        return (_limited(request, "password-reset", settings.RESETS_PER_ADDRESS, settings.LOGIN_WINDOW_SECONDS)
                or super().post(request, *args, **kwargs))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "reset_available": settings.PASSWORD_RESET_AVAILABLE}
