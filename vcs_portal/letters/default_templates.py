"""The wording letters start with, loaded by migration 0002; admins edit it afterwards.

Plain English: short sentences, common words, "you" and "I" (each English body scores at least
60 on the Flesch reading-ease test, checked by tests/letters/test_templates.py). The Welsh is a
first translation that a Welsh-language officer must review before use (docs/letters.md).
Placeholders are listed in ``rendering.PLACEHOLDERS``; ``{{ free_text }}`` outside an
``{% if %}`` means the VLO must write that paragraph before the letter can be approved.
"""

from __future__ import annotations

# How to reach us: the ways that fit the victim's chosen channel (rendering.contact_ways_text).
CONTACT_EN = "{{ contact_ways }} {% if opening_hours %}{{ opening_hours }} {% endif %}Please quote the reference {{ reference }}."
CONTACT_CY = "{{ contact_ways }} {% if opening_hours %}{{ opening_hours }} {% endif %}Nodwch y cyfeirnod {{ reference }}."
# Wherever a letter speaks of safety, a phone number (the team's): never only an email address.
SAFETY_EN = (
    "If you are worried about your safety, call us on {{ team_phone }}. If you are in danger, call 999."
)
SAFETY_CY = "Os ydych chi'n poeni am eich diogelwch, ffoniwch ni ar {{ team_phone }}. Os ydych chi mewn perygl, ffoniwch 999."
BREACH_EN = "If {{ offender_name }} contacts you, or you see them where they should not be, call the police. Then tell me."
BREACH_CY = "Os bydd {{ offender_name }} yn cysylltu â chi, neu os byddwch chi'n gweld {{ offender_name }} lle na ddylai fod, ffoniwch yr heddlu. Yna rhowch wybod i mi."
FREE = "{% if free_text %}{{ free_text }}{% endif %}"
NEXT_EN = "{% if next_key_date %}The next key date is {{ next_key_date }}.{% endif %}"
NEXT_CY = "{% if next_key_date %}Y dyddiad allweddol nesaf yw {{ next_key_date }}.{% endif %}"

# (kind, language, subject, body)
DEFAULT_TEMPLATES: list[tuple[str, str, str, str]] = [
    # --- offer -------------------------------------------------------------------------------
    (
        "offer",
        "en",
        "Would you like us to keep you up to date?",
        f"""I am writing because {{{{ offender_name }}}} was sentenced at {{{{ court }}}} in {{{{ sentence_month }}}}. The sentence is {{{{ sentence_text }}}}.

My name is {{{{ officer_name }}}}. I am a Victim Liaison Officer. My job is to keep you up to date about the sentence, if you want that. This is called the Victim Contact Scheme.

If you join the scheme, I can:
- tell you about key stages of the sentence, such as a move to an open prison or a parole review
- tell you the month of release, and any licence conditions that concern you
- help you ask for conditions, such as no contact with you
- help you write a statement for the Parole Board

It is your choice. You can join now, later or not at all. You can leave at any time.

{FREE}

Please tell me what you would like to do by {{{{ reply_by }}}}. {CONTACT_EN}""",
    ),
    (
        "offer",
        "cy",
        "Hoffech chi i ni roi'r wybodaeth ddiweddaraf i chi?",
        f"""Rwy'n ysgrifennu atoch chi oherwydd bod {{{{ offender_name }}}} wedi cael dedfryd yn {{{{ court }}}} ym mis {{{{ sentence_month }}}}. Y ddedfryd yw {{{{ sentence_text }}}}.

Fy enw i yw {{{{ officer_name }}}}. Rwy'n Swyddog Cyswllt â Dioddefwyr. Fy ngwaith i yw rhoi'r wybodaeth ddiweddaraf i chi am y ddedfryd, os ydych chi eisiau hynny. Yr enw ar hyn yw'r Cynllun Cyswllt â Dioddefwyr.

Os byddwch chi'n ymuno â'r cynllun, gallaf i:
- ddweud wrthych chi am gamau allweddol y ddedfryd, fel symud i garchar agored neu adolygiad parôl
- dweud wrthych chi ym mha fis y bydd y rhyddhau, ac am unrhyw amodau trwydded sy'n ymwneud â chi
- eich helpu i ofyn am amodau, fel dim cysylltiad â chi
- eich helpu i ysgrifennu datganiad ar gyfer y Bwrdd Parôl

Eich dewis chi yw hyn. Gallwch chi ymuno nawr, yn nes ymlaen, neu ddim o gwbl. Gallwch chi adael ar unrhyw adeg.

{FREE}

Rhowch wybod i mi beth hoffech chi ei wneud erbyn {{{{ reply_by }}}}. {CONTACT_CY}""",
    ),
    # --- annual ------------------------------------------------------------------------------
    (
        "annual",
        "en",
        "Your yearly update about {{ offender_name }}",
        f"""This is your yearly update from the Victim Contact Scheme. Here is where things stand now:
- The current security category is {{{{ security_category }}}}. {{{{ category_meaning }}}}
- The next key date is {{{{ next_key_date }}}}.

{FREE}

I will write to you again if anything important changes. If you do not want these letters any more, or you want to change how we keep in touch, please tell me.

{CONTACT_EN}""",
    ),
    (
        "annual",
        "cy",
        "Eich diweddariad blynyddol am {{ offender_name }}",
        f"""Dyma eich diweddariad blynyddol gan y Cynllun Cyswllt â Dioddefwyr. Dyma sut mae pethau nawr:
- Y categori diogelwch presennol yw {{{{ security_category }}}}. {{{{ category_meaning }}}}
- Y dyddiad allweddol nesaf yw {{{{ next_key_date }}}}.

{FREE}

Byddaf i'n ysgrifennu atoch chi eto os bydd unrhyw beth pwysig yn newid. Os nad ydych chi eisiau'r llythyrau hyn mwyach, neu os hoffech chi newid sut rydyn ni'n cadw mewn cysylltiad, rhowch wybod i mi.

{CONTACT_CY}""",
    ),
    # --- recategorisation ---------------------------------------------------------------------
    (
        "recategorisation",
        "en",
        "A change to {{ offender_name }}'s security category",
        f"""I am writing to tell you about a change. {{{{ offender_name }}}} has a new security category. It is now {{{{ security_category }}}}.

A security category shows how much security a person needs in prison. It is checked from time to time. A change does not mean that release will come sooner.

{FREE}

{NEXT_EN}

If you have any worries or questions, please get in touch. {CONTACT_EN}""",
    ),
    (
        "recategorisation",
        "cy",
        "Newid i gategori diogelwch {{ offender_name }}",
        f"""Rwy'n ysgrifennu atoch chi i ddweud wrthych chi am newid. Mae gan {{{{ offender_name }}}} gategori diogelwch newydd. Y categori nawr yw {{{{ security_category }}}}.

Mae categori diogelwch yn dangos faint o ddiogelwch sydd ei angen ar rywun yn y carchar. Caiff ei wirio o bryd i'w gilydd. Nid yw newid yn golygu y bydd y rhyddhau yn dod yn gynt.

{FREE}

{NEXT_CY}

Os oes gennych chi unrhyw bryderon neu gwestiynau, cysylltwch â mi. {CONTACT_CY}""",
    ),
    # --- open conditions ----------------------------------------------------------------------
    (
        "open_conditions",
        "en",
        "{{ offender_name }} has moved to an open prison",
        f"""I am writing to tell you that {{{{ offender_name }}}} has moved to open conditions. This means an open prison, category D. I cannot tell you which prison it is.

An open prison has fewer locks and walls than a closed prison. People there are still serving their sentence. They may go out for a short time to work, train or get ready for release. This is called release on temporary licence. There are strict rules. If they break the rules, they can be sent back to a closed prison.

{FREE}

{NEXT_EN}

If you want to ask for conditions, such as no contact with you, please get in touch. {SAFETY_EN}

{CONTACT_EN}""",
    ),
    (
        "open_conditions",
        "cy",
        "Mae {{ offender_name }} wedi symud i garchar agored",
        f"""Rwy'n ysgrifennu atoch chi i ddweud bod {{{{ offender_name }}}} wedi symud i amodau agored. Mae hyn yn golygu carchar agored, categori D. Ni allaf i ddweud wrthych chi pa garchar yw e.

Mae llai o gloeon a waliau mewn carchar agored nag mewn carchar caeedig. Mae'r bobl yno yn dal i fwrw eu dedfryd. Efallai y byddan nhw'n cael mynd allan am gyfnod byr i weithio, i hyfforddi neu i baratoi at gael eu rhyddhau. Yr enw ar hyn yw rhyddhau ar drwydded dros dro. Mae rheolau llym. Os byddan nhw'n torri'r rheolau, gellir eu hanfon yn ôl i garchar caeedig.

{FREE}

{NEXT_CY}

Os hoffech chi ofyn am amodau, fel dim cysylltiad â chi, cysylltwch â mi. {SAFETY_CY}

{CONTACT_CY}""",
    ),
    # --- parole review coming up ----------------------------------------------------------------
    (
        "parole_review",
        "en",
        "The Parole Board will look at {{ offender_name }}'s case",
        f"""I am writing to let you know that the Parole Board will soon look at {{{{ offender_name }}}}'s case. The Board decides if it is safe to release someone, or to move them to an open prison.

You can take part if you want to:
- You can write a Victim Personal Statement. This tells the Board how the crime has affected you. The Board may share it with {{{{ offender_name }}}}. I will explain this before you write it.
- You can ask for licence conditions, such as no contact with you, or an area the person must not go into.

{FREE}

If you would like to do either of these, please tell me by {{{{ reply_by }}}}. I can help you. {CONTACT_EN}""",
    ),
    (
        "parole_review",
        "cy",
        "Bydd y Bwrdd Parôl yn edrych ar achos {{ offender_name }}",
        f"""Rwy'n ysgrifennu atoch chi i roi gwybod y bydd y Bwrdd Parôl yn edrych ar achos {{{{ offender_name }}}} cyn bo hir. Mae'r Bwrdd yn penderfynu a yw'n ddiogel rhyddhau rhywun, neu eu symud i garchar agored.

Gallwch chi gymryd rhan os hoffech chi:
- Gallwch chi ysgrifennu Datganiad Personol Dioddefwr. Mae hwn yn dweud wrth y Bwrdd sut mae'r drosedd wedi effeithio arnoch chi. Gall y Bwrdd ei rannu â {{{{ offender_name }}}}. Byddaf i'n esbonio hyn cyn i chi ei ysgrifennu.
- Gallwch chi ofyn am amodau trwydded, fel dim cysylltiad â chi, neu ardal na chaiff y person fynd iddi.

{FREE}

Os hoffech chi wneud y naill neu'r llall o'r rhain, rhowch wybod i mi erbyn {{{{ reply_by }}}}. Gallaf i eich helpu. {CONTACT_CY}""",
    ),
    # --- parole decision -----------------------------------------------------------------------
    (
        "parole_outcome",
        "en",
        "The Parole Board's decision about {{ offender_name }}",
        f"""I am writing to tell you what the Parole Board decided.

{{{{ free_text }}}}

You can ask for a short summary of the reasons for the decision. For some sentences, you can also ask for the decision to be looked at again. You must ask within {{{{ reconsideration_days }}}} days of the decision. Please get in touch soon if you want to do this.

{CONTACT_EN}""",
    ),
    (
        "parole_outcome",
        "cy",
        "Penderfyniad y Bwrdd Parôl am {{ offender_name }}",
        f"""Rwy'n ysgrifennu atoch chi i ddweud beth benderfynodd y Bwrdd Parôl.

{{{{ free_text }}}}

Gallwch chi ofyn am grynodeb byr o'r rhesymau dros y penderfyniad. Ar gyfer rhai dedfrydau, gallwch chi hefyd ofyn i'r penderfyniad gael ei ystyried eto. Rhaid i chi ofyn o fewn {{{{ reconsideration_days }}}} diwrnod i'r penderfyniad. Cysylltwch â mi cyn gynted â phosibl os hoffech chi wneud hyn.

{CONTACT_CY}""",
    ),
    # --- release ---------------------------------------------------------------------------------
    (
        "release",
        "en",
        "{{ offender_name }} is due to be released",
        f"""I am writing to tell you that {{{{ offender_name }}}} is due to be released on licence in {{{{ release_month }}}}. I cannot tell you the exact date.

Being on licence means living in the community under strict rules. A probation officer will supervise {{{{ offender_name }}}}. If the rules are broken, {{{{ offender_name }}}} can be sent back to prison.

{{% if conditions %}}You asked for these licence conditions. This is what was decided:
{{{{ conditions }}}}{{% endif %}}

{FREE}

{{% if licence_end_month %}}The licence is due to end in {{{{ licence_end_month }}}}.{{% endif %}}

{BREACH_EN}

{SAFETY_EN}

{CONTACT_EN}""",
    ),
    (
        "release",
        "cy",
        "Rhyddhau {{ offender_name }}",
        f"""Rwy'n ysgrifennu atoch chi i ddweud bod disgwyl rhyddhau {{{{ offender_name }}}} ar drwydded yn ystod mis {{{{ release_month }}}}. Ni allaf i roi'r union ddyddiad i chi.

Mae bod ar drwydded yn golygu byw yn y gymuned o dan reolau llym. Bydd swyddog prawf yn goruchwylio {{{{ offender_name }}}}. Os bydd y rheolau'n cael eu torri, gellir anfon {{{{ offender_name }}}} yn ôl i'r carchar.

{{% if conditions %}}Fe ofynnoch chi am yr amodau trwydded hyn. Dyma beth gafodd ei benderfynu:
{{{{ conditions }}}}{{% endif %}}

{FREE}

{{% if licence_end_month %}}Mae disgwyl i'r drwydded ddod i ben yn ystod mis {{{{ licence_end_month }}}}.{{% endif %}}

{BREACH_CY}

{SAFETY_CY}

{CONTACT_CY}""",
    ),
    # --- licence conditions -----------------------------------------------------------------------
    (
        "licence_conditions",
        "en",
        "Licence conditions for {{ offender_name }}",
        f"""I am writing to tell you about the licence conditions that concern you. These are the conditions you asked for, and what was decided:
{{{{ conditions }}}}

{FREE}

If any of these rules are broken, {{{{ offender_name }}}} can be sent back to prison. {BREACH_EN}

{{% if licence_end_month %}}The licence is due to end in {{{{ licence_end_month }}}}. After that, these rules no longer apply.{{% endif %}}

{SAFETY_EN}

{CONTACT_EN}""",
    ),
    (
        "licence_conditions",
        "cy",
        "Amodau trwydded {{ offender_name }}",
        f"""Rwy'n ysgrifennu atoch chi am yr amodau trwydded sy'n ymwneud â chi. Dyma'r amodau y gofynnoch chi amdanyn nhw, a beth gafodd ei benderfynu:
{{{{ conditions }}}}

{FREE}

Os bydd unrhyw un o'r rheolau hyn yn cael eu torri, gellir anfon {{{{ offender_name }}}} yn ôl i'r carchar. {BREACH_CY}

{{% if licence_end_month %}}Mae disgwyl i'r drwydded ddod i ben yn ystod mis {{{{ licence_end_month }}}}. Ar ôl hynny, ni fydd y rheolau hyn yn berthnasol mwyach.{{% endif %}}

{SAFETY_CY}

{CONTACT_CY}""",
    ),
    # --- recall ------------------------------------------------------------------------------------
    (
        "recall",
        "en",
        "{{ offender_name }} has been recalled to prison",
        f"""I am writing to tell you that {{{{ offender_name }}}} has been recalled to prison. This means they were sent back to prison while on licence.

{FREE}

I will write to you again when I know the next steps, such as a review of the recall.

If you have any worries or questions, please get in touch. {CONTACT_EN}""",
    ),
    (
        "recall",
        "cy",
        "Galw {{ offender_name }} yn ôl i'r carchar",
        f"""Rwy'n ysgrifennu atoch chi i ddweud bod {{{{ offender_name }}}} yn ôl yn y carchar. Mae hyn yn golygu bod y person wedi cael ei anfon yn ôl i'r carchar tra oedd ar drwydded. Yr enw ar hyn yw galw'n ôl.

{FREE}

Byddaf i'n ysgrifennu atoch chi eto pan fyddaf i'n gwybod am y camau nesaf, fel adolygiad o'r penderfyniad i alw'n ôl.

Os oes gennych chi unrhyw bryderon neu gwestiynau, cysylltwch â mi. {CONTACT_CY}""",
    ),
    # --- VPS invitation ------------------------------------------------------------------------------
    (
        "vps_invitation",
        "en",
        "Would you like to write a Victim Personal Statement?",
        f"""The Parole Board will look at {{{{ offender_name }}}}'s case at a hearing in {{{{ hearing_month }}}}. You can write a Victim Personal Statement for the Board, if you want to.

A Victim Personal Statement is your chance to say, in your own words, how the crime has affected you and your family. You can also say how you might feel if {{{{ offender_name }}}} is released.

Before you decide, please know this. The Board may share your statement with {{{{ offender_name }}}}. You can ask for it not to be shared, but the Board will decide. I will explain this before you write anything.

{FREE}

If you would like to write a statement, I need it by {{{{ statement_by }}}}. Then I can send it to the Board in time. I can help you write it.

{CONTACT_EN}""",
    ),
    (
        "vps_invitation",
        "cy",
        "Hoffech chi ysgrifennu Datganiad Personol Dioddefwr?",
        f"""Bydd y Bwrdd Parôl yn edrych ar achos {{{{ offender_name }}}} mewn gwrandawiad ym mis {{{{ hearing_month }}}}. Gallwch chi ysgrifennu Datganiad Personol Dioddefwr ar gyfer y Bwrdd, os hoffech chi.

Mae Datganiad Personol Dioddefwr yn gyfle i chi ddweud, yn eich geiriau eich hun, sut mae'r drosedd wedi effeithio arnoch chi a'ch teulu. Gallwch chi hefyd ddweud sut y gallech chi deimlo pe bai'r Bwrdd yn rhyddhau {{{{ offender_name }}}}.

Cyn i chi benderfynu, mae'n bwysig i chi wybod hyn. Gall y Bwrdd rannu eich datganiad â {{{{ offender_name }}}}. Gallwch chi ofyn iddo beidio â chael ei rannu, ond y Bwrdd fydd yn penderfynu. Byddaf i'n esbonio hyn cyn i chi ysgrifennu unrhyw beth.

{FREE}

Os hoffech chi ysgrifennu datganiad, mae angen i mi ei gael erbyn {{{{ statement_by }}}}. Wedyn gallaf i ei anfon at y Bwrdd mewn pryd. Gallaf i eich helpu i'w ysgrifennu.

{CONTACT_CY}""",
    ),
    # --- opt-out confirmation ---------------------------------------------------------------------------
    (
        "opt_out",
        "en",
        "You have left the Victim Contact Scheme",
        f"""Thank you for letting me know that you no longer want to hear from the Victim Contact Scheme. We will not write to you about the sentence again unless you ask us to. We may get in touch once more when {{{{ offender_name }}}} is due for release, to check if you want to know about it.

You can change your mind at any time. If you want to join the scheme again, please get in touch. {CONTACT_EN}

{FREE}""",
    ),
    (
        "opt_out",
        "cy",
        "Rydych chi wedi gadael y Cynllun Cyswllt â Dioddefwyr",
        f"""Diolch am roi gwybod i mi nad ydych chi eisiau clywed gan y Cynllun Cyswllt â Dioddefwyr mwyach. Ni fyddwn ni'n ysgrifennu atoch chi am y ddedfryd eto oni bai eich bod chi'n gofyn i ni wneud hynny. Efallai y byddwn ni'n cysylltu unwaith eto pan fydd disgwyl rhyddhau {{{{ offender_name }}}}, i weld a hoffech chi wybod am hynny.

Gallwch chi newid eich meddwl ar unrhyw adeg. Os hoffech chi ymuno â'r cynllun eto, cysylltwch â mi. {CONTACT_CY}

{FREE}""",
    ),
]


def templates_refresh(model: type) -> int:
    """Give every wording no admin has edited (``updated_by`` empty) the current default."""
    updated = 0
    for kind, language, subject, body in DEFAULT_TEMPLATES:
        updated += model.objects.filter(kind=kind, language=language, updated_by__isnull=True).update(
            subject=subject, body=body
        )
    return updated


def templates_load(model: type) -> int:
    """Create the default wording where none exists (never overwrites an admin's edits)."""
    created = 0
    for kind, language, subject, body in DEFAULT_TEMPLATES:
        _, made = model.objects.get_or_create(
            kind=kind, language=language, defaults={"subject": subject, "body": body}
        )
        created += made
    return created
