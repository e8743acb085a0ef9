"""Nothing from parole is in the Django admin.

Parole reviews, statements, licence conditions, tribunal and meeting records are victim data, and
victim data is never in the admin (``vcs_portal.core.models.ADMIN_APP_LABELS`` leaves ``parole``
out): they are seen and changed only through the scoped, audited case pages.
"""
