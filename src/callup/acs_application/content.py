"""What the documents say, as plain blocks; ``render`` turns them into DOCX and printable HTML.

The man's statement (and his reasons for a delay) are used exactly as he wrote them: this module
never writes beliefs for him. Every article comes from :mod:`.citations`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from callup.jurisdictions import ru

from .applicant import Applicant
from .citations import cite, status

MONTHS_GEN = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip


@dataclass
class Block:
    kind: str  # right, title, h, p, verbatim, ol, ul, sign, note, pagebreak, blank
    text: str = ""
    items: list[str] = field(default_factory=list)
    part: str = ""  # which required part this block is (for tests and readers)


@dataclass
class Doc:
    title: str
    blocks: list[Block]


def d_long(d: dt.date | str) -> str:
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d.day} {MONTHS_GEN[d.month - 1]} {d.year} г."


def d_short(d: dt.date | str) -> str:
    d = dt.date.fromisoformat(d) if isinstance(d, str) else d
    return d.strftime("%d.%m.%Y")


def initials(full_name: str) -> str:
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return " ".join(p[0] + "." for p in parts[1:]) + " " + parts[0]


def campaign_wording(campaign: dict) -> str:
    """'для призыва ... в октябре – декабре 2025 г.' or, with the 2026 year-round call-up, the dispatch
    period ('для отправки к месту прохождения военной службы с 1 октября по 31 декабря 2026 г.')."""
    start, end = dt.date.fromisoformat(campaign["start"]), dt.date.fromisoformat(campaign["end"])
    year_round = campaign.get("callup_start") != campaign["start"] or campaign.get("callup_end") != campaign["end"]
    if year_round:
        return (
            f"для отправки к месту прохождения военной службы с {start.day} {MONTHS_GEN[start.month - 1]} "
            f"по {d_long(end)}"
        )
    months = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре", "октябре",
              "ноябре", "декабре")  # fmt: skip
    return f"для призыва на военную службу в {months[start.month - 1]} – {months[end.month - 1]} {end.year} г."


def is_year_round(campaign: dict) -> bool:
    return campaign.get("callup_start") != campaign["start"] or campaign.get("callup_end") != campaign["end"]


def campaign_of(name: str, on: dt.date) -> dict:
    """The campaign dict (as in the check) of a campaign name such as '2026-autumn'."""
    from callup.jurisdictions.ru.calendar import campaign_named
    from callup.law.dates import to_day

    return campaign_named(ru.law(), name, as_of=to_day(on)).as_json()


def ground_sentence(applicant: Applicant, grounds: list[str]) -> str:
    parts = []
    if "beliefs" in grounds:
        word = {"religion": "вероисповеданию", "beliefs_and_religion": "убеждениям и вероисповеданию"}.get(
            applicant.ground or "", "убеждениям"
        )
        parts.append(f"несение военной службы противоречит моим {word}")
    if "indigenous" in grounds:
        people = applicant.indigenous_people or "_______________"
        parts.append(
            f"я отношусь к коренному малочисленному народу Российской Федерации ({people}), веду традиционный "
            "образ жизни, осуществляю традиционное хозяйствование и занимаюсь традиционными промыслами"
        )
    return "; ".join(parts)


def application(
    result: dict, applicant: Applicant, statement: str, on: dt.date, grounds: list[str], target: dict, late: str | None
) -> Doc:
    """The application (заявление о замене военной службы по призыву альтернативной гражданской службой)."""
    person_birth = result["_birth_date"]
    ident = [
        f"В {applicant.commissariat}",
        "(военный комиссариат, где заявитель состоит на воинском учёте)",
        "",
        f"Заявитель: {applicant.full_name}",
        f"дата рождения: {d_short(person_birth)}"
        + (f", место рождения: {applicant.birth_place}" if applicant.birth_place else ""),
    ]
    if applicant.passport:
        ident.append(f"паспорт: {applicant.passport}")
    ident.append(f"адрес места жительства: {applicant.address}")
    contact = ", ".join(
        x
        for x in (
            f"телефон: {applicant.phone}" if applicant.phone else "",
            f"эл. почта: {applicant.email}" if applicant.email else "",
        )
        if x
    )
    if contact:
        ident.append(contact)
    blocks = [
        Block("right", "\n".join(ident), part="addressee_identity"),
        Block(
            "title", "ЗАЯВЛЕНИЕ\nо замене военной службы по призыву альтернативной гражданской службой", part="title"
        ),
        Block(
            "p",
            f"В соответствии с {cite('constitution', on)} и {cite('grounds', on, full=True)} прошу заменить мне "
            f"военную службу по призыву альтернативной гражданской службой, "
            f"поскольку {ground_sentence(applicant, grounds)}.",
            part="ground",
        ),
    ]
    deadline = target["_deadline"]
    if late:
        blocks.append(
            Block(
                "p",
                f"Срок подачи заявления, установленный {cite('filing', on)} ({target['_deadline_phrase']} "
                f"{campaign_wording(target)}), пропущен. Прошу принять настоящее заявление и рассмотреть его по "
                "существу. Причины пропуска срока:",
                part="late_request",
            )
        )
        blocks.append(Block("verbatim", late, part="delay_reasons"))
    else:
        blocks.append(
            Block(
                "p",
                f"Заявление подаю в срок, установленный {cite('filing', on)}: до {d_long(deadline)} "
                f"{campaign_wording(target)}.",
                part="timeliness",
            )
        )
    blocks.append(
        Block(
            "p",
            "Причины и обстоятельства, побудившие меня ходатайствовать о замене военной службы "
            "по призыву альтернативной гражданской службой:",
            part="statement_intro",
        )
    )
    blocks.append(Block("verbatim", statement, part="statement"))
    if applicant.witnesses:
        items = []
        for w in applicant.witnesses:
            extra = ", ".join(x for x in (w.relation, w.contact) if x)
            items.append(w.full_name + (f" ({extra})" if extra else ""))
        blocks.append(Block("p", "Лица, которые согласны подтвердить достоверность моих доводов:", part="witnesses"))
        blocks.append(Block("ol", items=items, part="witnesses"))
    blocks.append(Block("p", "Прошу:", part="requests"))
    blocks.append(
        Block(
            "ol",
            items=[
                "рассмотреть настоящее заявление на заседании призывной комиссии в моём присутствии;",
                "заблаговременно уведомить меня о дате, времени и месте заседания призывной комиссии по адресу "
                "(телефону, эл. почте), указанному выше;",
                "выдать (направить) мне копию решения (заключения) призывной комиссии по моему заявлению.",
            ],
            part="requests",
        )
    )
    attach = ["Автобиография — на ___ л."]
    places = [
        p
        for p in (
            applicant.works_at and f"с места работы ({applicant.works_at})",
            applicant.studies_at and f"с места учёбы ({applicant.studies_at})",
        )
        if p
    ]
    if places:
        attach.append("Характеристика " + " и ".join(places) + " — на ___ л.")
    attach += [f"{o} — на ___ л." for o in applicant.attachments.other]
    blocks.append(Block("p", "Приложения:", part="attachments"))
    blocks.append(Block("ol", items=attach, part="attachments"))
    blocks.append(
        Block("sign", f"{d_short(on)}\t____________________ / {initials(applicant.full_name)} /", part="date_signature")
    )
    blocks.append(Block("note", "(дата)\t(подпись)", part="date_signature"))
    blocks.append(Block("blank"))
    blocks.append(
        Block(
            "note",
            "Отметка о принятии: вх. № ________ от «___» ____________ 20___ г.   "
            "Принял: ______________________ (должность, подпись, ФИО)",
            part="received",
        )
    )
    blocks.append(Block("pagebreak"))
    blocks.append(Block("h", "Памятка заявителю (этот лист не подаётся)", part="filing_note"))
    blocks.append(Block("ul", items=filing_note(applicant), part="filing_note"))
    return Doc("Заявление о замене военной службы по призыву альтернативной гражданской службой", blocks)


def filing_note(applicant: Applicant) -> list[str]:
    return [
        "Подайте заявление лично в военный комиссариат, где вы состоите на воинском учёте"
        + (f" ({applicant.commissariat})" if applicant.commissariat else "")
        + ".",
        "Возьмите два экземпляра заявления (второй — для вас). На вашем экземпляре попросите поставить отметку о "
        "принятии: входящий номер, дату, подпись и должность принявшего. Сохраните этот экземпляр.",
        "Если заявление отказываются принять, запишите дату, должность и фамилию отказавшего, попросите отказ "
        "в письменном виде и обратитесь к юристу или в правозащитную организацию; сохраните все документы.",
        "Приложите к заявлению автобиографию, характеристику и другие документы из списка приложений; с каждого "
        "документа оставьте себе копию.",
        "Лица, указанные в заявлении, должны знать об этом и быть готовы подтвердить ваши доводы.",
    ]


def autobiography(applicant: Applicant, result: dict, grounds: list[str], on: dt.date) -> Doc:
    """Headings a commission expects, each with a question to answer; the answers are his to write."""
    sections = [
        ("Общие сведения", "Фамилия, имя, отчество; дата и место рождения; где живёте."),
        (
            "Семья",
            "Родители, братья и сёстры, ваша семья: кто они, чем занимаются; как семья относится к вашему решению.",
        ),
        ("Образование", "Где и когда учились (школа, колледж, вуз), чем занимались помимо учёбы."),
        ("Работа", "Где и кем работали и работаете, с каких пор."),
    ]
    if "beliefs" in grounds:
        sections.append(
            (
                "Как сложились мои убеждения (вероисповедание)",
                "Когда и как вы к ним пришли: события, люди, книги, община; как они проявляются в "
                "вашей жизни и поступках. Пишите своими словами и только то, что правда.",
            )
        )
    if "indigenous" in grounds:
        sections.append(
            (
                "Принадлежность к коренному малочисленному народу и традиционный образ жизни",
                "К какому народу вы относитесь; где живёте; какой традиционный образ жизни ведёте, "
                "каким традиционным хозяйствованием и промыслами занимаетесь и с каких пор.",
            )
        )
    sections += [
        ("Общественная жизнь, увлечения", "Волонтёрство, общественные организации, занятия, которые важны для вас."),
        (
            "Почему я прошу о замене военной службы альтернативной гражданской службой",
            "Почему несение военной службы для вас невозможно и почему вы готовы проходить альтернативную "
            "гражданскую службу.",
        ),
    ]
    blocks = [Block("title", "АВТОБИОГРАФИЯ", part="title")]
    if applicant.full_name:
        blocks.append(Block("p", f"{applicant.full_name}, {d_short(result['_birth_date'])} г. р.", part="identity"))
    blocks.append(
        Block(
            "note",
            "Заготовка: под каждым заголовком — вопросы, на которые стоит ответить. Удалите "
            "подсказки и напишите текст сами, от первого лица.",
            part="hint",
        )
    )
    for i, (heading, hint) in enumerate(sections, 1):
        blocks.append(Block("h", f"{i}. {heading}", part="section"))
        blocks.append(Block("note", hint, part="hint"))
        blocks.append(Block("p", "", part="answer"))
    blocks.append(
        Block(
            "sign",
            f"{d_short(on)}\t____________________ / {initials(applicant.full_name or '')} /",
            part="date_signature",
        )
    )
    return Doc("Автобиография", blocks)


def deadline_summary(
    result: dict, applicant: Applicant, on: dt.date, target: dict | None, late: str | None, late_campaign: dict | None
) -> Doc:
    """One page: the campaign, the filing deadline, the decision deadline, what if it has passed."""
    acs = result["acs"]
    blocks = [Block("title", f"Сроки по заявлению об альтернативной гражданской службе\nна {d_long(on)}", part="title")]
    if target is not None:
        blocks.append(Block("h", "Призыв, для которого подаётся заявление", part="campaign"))
        blocks.append(Block("p", f"Заявление подаётся {campaign_wording(target)}.", part="campaign"))
        if is_year_round(target):
            blocks.append(
                Block(
                    "p",
                    "С 1 января 2026 г. призыв проводится круглый год, а сроки подачи заявления "
                    "привязаны к периодам отправки к месту службы: до 1 апреля — для отправки с "
                    "1 октября по 31 декабря того же года, до 1 октября — для отправки с 1 апреля "
                    "по 15 июля следующего года (редакция 412-ФЗ).",
                    part="wording_2026",
                )
            )
        blocks.append(Block("h", "Срок подачи", part="filing_deadline"))
        st, unconf = status("filing", dt.date.fromisoformat(target["start"]))
        text = (
            f"Подать заявление {target['_deadline_phrase']} ({cite('filing', on)}); последний день — "
            f"{d_long(target['_last_day'])}."
        )
        if late:
            text += " Этот срок уже прошёл: заявление подаётся как поданное с опозданием (см. ниже)."
        if st != "P":
            text += (
                f" Статус нормы в закодированном законе: {st}"
                + (" (по вторичным источникам)" if st == "S" else "")
                + (f"; часть нормы не подтверждена (в файлах закона: «{unconf}»)" if unconf else "")
                + "."
            )
        blocks.append(Block("p", text, part="filing_deadline"))
        if target.get("_decision_due"):
            blocks.append(Block("h", "Срок решения", part="decision_deadline"))
            blocks.append(
                Block(
                    "p",
                    f"Призывная комиссия рассматривает заявление и выносит решение в течение одного месяца со дня "
                    f"окончания срока подачи заявлений — не позднее {d_long(target['_decision_due'])}; если "
                    f"председатель комиссии продлит срок (не более чем на месяц) — не позднее "
                    f"{d_long(target['_decision_due_extended'])} ({cite('decision', on)}).",
                    part="decision_deadline",
                )
            )
            if late:
                blocks[-1].text = "Для заявлений, поданных в срок: " + blocks[-1].text[0].lower() + blocks[-1].text[1:]
                blocks.append(
                    Block(
                        "p",
                        "Для заявления, поданного с опозданием, срок рассмотрения в закодированном законе не "
                        f"установлен ({cite('late', on)}: UNCONFIRMED); спросите в военкомате дату заседания "
                        "комиссии и сохраните отметку о принятии заявления.",
                        part="decision_deadline",
                    )
                )
    if acs.get("note") or result["status"] != "liable":
        blocks.append(
            Block(
                "p",
                "Сейчас вы не подлежите призыву или у вас есть основание для отсрочки; пока оно "
                f"есть, на альтернативную гражданскую службу не направляют ({cite('conflict', on)}). "
                "Срок выше — для первого призыва, в котором такого основания уже не будет.",
                part="conflict",
            )
        )
    blocks.append(Block("h", "Если срок пропущен", part="late"))
    late_text = (
        "Если срок подачи пропущен, заявление подаётся с просьбой принять его, и в нём указываются "
        "причины пропуска срока — вашими словами (в файле ситуации: applicant.delay_reasons). Внимание: это правило "
        f"({cite('late', on)}; {cite('late_decision', on)}) в закодированном законе имеет статус "
        "UNCONFIRMED — проверьте его у юриста или в правозащитной организации."
    )
    if late_campaign is not None:
        late_text = (
            f"Срок подачи {late_campaign['_deadline_phrase']} {campaign_wording(late_campaign)} уже "
            f"прошёл. " + late_text
        )
        if not late:
            late_text += (
                " Документы подготовлены для следующего срока; если хотите подать заявление на текущий "
                "призыв, укажите причины пропуска срока, и заявление будет составлено как поданное "
                "с опозданием."
            )
    blocks.append(Block("p", late_text, part="late"))
    term = result["acs"].get("term_months")
    if term:
        blocks.append(
            Block(
                "p",
                f"Срок альтернативной гражданской службы — {term} мес., в организациях Вооружённых "
                f"Сил и других войск — {result['acs'].get('term_months_military_orgs')} мес. "
                f"({cite('term', on)}).",
                part="term",
            )
        )
    blocks.append(Block("h", "Как подать", part="filing_note"))
    blocks.append(Block("ul", items=filing_note(applicant)[:2], part="filing_note"))
    warnings = [w for w in result.get("warnings", []) if "АГС" not in w]
    if warnings:
        blocks.append(Block("ul", items=warnings, part="warnings"))
    blocks.append(Block("note", result["disclaimer"], part="disclaimer"))
    return Doc("Сроки подачи заявления об АГС", blocks)
