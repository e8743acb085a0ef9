"""The referral wizard's question pages, in two parts as the wizard runs.

``steps``: the base of every question page and its field helpers, and the officer question (for
managers); ``offender``: the offender and sentence steps; ``victim``: the victim steps, with the
case's own answers (relationship, discretionary context, date received); ``upload``: the bulk
import's upload form.

Forms check shape: required answers, real dates, dates not in the future, a sentence not before
its offence, a length where the sentence type needs one, a court in England or Wales. The
services check the rules again when the case is created, and any message they raise is shown on
the same field here, which is why the fields carry the services' argument names.
"""
