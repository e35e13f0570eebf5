"""A shopper's name, where they introduce themselves or sign off.

Found from the phrase before it, in nl, en, de, fr, tr, pl and ar, three kinds:

- a phrase that can only introduce a name ("mijn naam is", "my name is", "ich heiße",
  "je m'appelle", "benim adım", "nazywam się", "اسمي", "Name:"): what follows is a name,
  typed with a capital or not ("mijn naam is jan de vries");
- a phrase that introduces a name or says how someone is: after "ik ben", "je suis",
  "jestem" any capitalised word but a nationality ("ik ben Priya", not "ik ben blij" or
  "Jestem Polką"); after "I'm", "ich bin", "ben", "أنا", where sentence case or German
  nouns give capitals to other words too, a known given name ("I'm Tom"), a surname after
  it ("I'm Xander Bos") or a title ("ich bin Frau Müller"), so "I'm Happy", "ich bin
  Kunde", "أنا سعيد" stay; after "this is", "c'est" only a known given name;
- a sign-off ("Groeten, Jan", "Mvg Piet de Vries", "Regards, John Smith", "Cordialement,
  Marie", "Pozdrawiam, Anna Kowalska", "مع تحياتي، محمد"): a capitalised name that ends
  the comment (or its line), or a known given name.

The whole name goes, first name, tussenvoegsels and surname: "Jan van der Berg",
"Jean-Pierre Dupont", "Ayşe Yılmaz", "محمد العلي". The phrase itself stays, so the
comment still reads. The stage runs last: an address or e-mail after "mijn naam is" is
already a placeholder, which is never a name.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator

from ces.scrub.given_names import GIVEN_NAMES
from ces.scrub.marks import NAME_MARK
from ces.scrub.words import (
    CALENDAR_WORDS,
    any_of,
    ascii_forms,
    fold,
    is_capitalised,
    is_caseless,
    word_list,
)

# -- phrases --------------------------------------------------------------------------------

# A name follows, in any case.
_NAMING = """
    mijn naam is|m'n naam is|mn naam is|mijn volledige naam is|mijn voornaam is
    |mijn achternaam is|ik heet|ik ben genaamd|mijn naam
    |my name is|my name's|my full name is|my first name is|my surname is|my last name is
    |i am called|i'm called|my name
    |mein name ist|mein name lautet|mein vorname ist|mein nachname ist|ich heiße|ich heisse
    |ich heiß|ich heiss|mein name
    |je m'appelle|j'm'appelle|mon nom est|mon prénom est|mon nom c'est|je me nomme
    |je me prénomme|mon nom
    |benim adım|benim adim|benim ismim|ismim|adım soyadım|adim soyadim|benim adım soyadım
    |nazywam się|nazywam sie|mam na imię|mam na imie|moje imię to|moje imie to
    |moje nazwisko to|moje imię i nazwisko to
    |اسمي|إسمي|أسمي|اسمى|انا اسمي|أنا اسمي
"""
# A name follows if it is written with a capital (these phrases also start other sentences).
_NAMING_CAPITALISED = """
    adım|adim|soyadım|soyadim|call me|moi c'est|moi, c'est|je me présente|ik stel me voor
    |ik stel mij voor|ik stel me even voor|ik stel mij even voor|let me introduce myself
    |darf ich mich vorstellen
"""
# "this is Tom", "c'est Marie": only a known given name (not "this is Great Service").
_PRESENTING = """
    this is|dit is|hier is|hier ist|das ist|c'est|tu jest|to jest
"""
# A name or a state follows: "ik ben Jan" / "ik ben blij". In these languages only names
# (and nationalities) have a capital, so any capitalised word counts.
_BEING_CASED = """
    ik ben|je suis|jestem
"""
# ... where nouns have capitals too ("ich bin Kunde"), sentence case is common ("I'm Happy")
# or there are no capitals: a known given name, a surname after it, or a title.
_BEING = """
    i'm|i am|ich bin|ben|أنا|انا
"""
# A label in a form-like comment: "Naam: Jan", "Name = John".
_LABELS = """
    naam|voornaam|achternaam|name|full name|first name|surname|vorname|nachname|nom|prénom
    |nom complet|imię|imie|nazwisko|imię i nazwisko|isim|ad|ad soyad|adı soyadı|adı|الاسم|اسم
"""
_SIGN_OFFS = """
    groeten|groetjes|groet|met vriendelijke groet|met vriendelijke groeten|vriendelijke groet
    |vriendelijke groeten|hartelijke groet|hartelijke groeten|met groet|liefs|mvg|m.v.g.|gr
    |grt|grtz|regards|kind regards|best regards|warm regards|warmest regards|best wishes
    |cheers|sincerely|yours sincerely|yours truly|yours faithfully|many thanks|thanks|thx
    |signed|thank you|best|all the best
    |bedankt|dank je|dankjewel|grüße|grüsse|gruß|gruss|viele grüße|liebe grüße|beste grüße
    |herzliche grüße|freundliche grüße|mit freundlichen grüßen|viele grüsse|liebe grüsse
    |mfg|lg|vg|danke|cordialement|bien cordialement|salutations|sincères salutations|bien à vous
    |amitiés|bisous|merci|saygılarımla|saygilarimla|saygılar|selamlar|sevgiler|sevgilerimle
    |teşekkürler|pozdrawiam|pozdrowienia|z poważaniem|serdecznie pozdrawiam|pozdr|dziękuję
    |pozdrawiam serdecznie|serdeczne pozdrowienia|z pozdrowieniami|yours|doei|tschüss
    |tschüs|bonne journée|à bientôt|a bientôt|iyi günler|kolay gelsin|hoşça kal
    |مع تحياتي|تحياتي|مع خالص التحية|مع التحية|مع الشكر|شكرا|أخوكم|اخوكم|أختكم|اختكم
"""
# Sign-offs that are also ordinary words ("200 gr", "LG tv", "thanks for ..."): only at the
# start of the comment, a line or a sentence.
_SIGN_OFFS_AT_START = word_list(
    "gr grt grtz lg vg mfg pozdr thanks thx bedankt danke merci cheers best yours doei signed"
) | {"thank you"}


# Each kind of phrase (a group of _PHRASE), and what must follow it.
_KINDS: tuple[tuple[str, str, str], ...] = (
    ("naming", _NAMING, ""),
    ("capitalised", _NAMING_CAPITALISED, ""),
    ("being_cased", _BEING_CASED, ""),
    ("being", _BEING, ""),
    ("presenting", _PRESENTING, ""),
    ("sign_off", _SIGN_OFFS, ""),
    ("label", _LABELS, r"(?=[ \t]{0,3}[:=])"),
)
_FIRST_WORD = re.compile(r"\w+")


def _phrase_list(phrases: str) -> list[str]:
    parts = [p.strip() for p in phrases.split("|") if p.strip()]
    # The longest first, so "mijn naam is" wins over "mijn naam".
    parts.sort(key=len, reverse=True)
    return parts


def _first_word(phrase: str) -> str:
    word = _FIRST_WORD.match(phrase)
    if word is None:
        raise ValueError(f"a phrase starts with a letter: {phrase!r}")
    return word.group(0)


def _phrase_pattern(first_words: frozenset[str] | None = None) -> re.Pattern[str]:
    """The phrases, or those starting with one of ``first_words``, in a group per kind."""
    groups = []
    for kind, phrases, after in _KINDS:
        chosen = [
            re.escape(p).replace(r"\ ", r"[ \t]{1,3}").replace("'", "['’]")
            for p in _phrase_list(phrases)
            if first_words is None or _first_word(p) in first_words
        ]
        if chosen:
            groups.append(f"(?P<{kind}>{'|'.join(chosen)}){after}")
    return re.compile(rf"(?<![\w'’])(?:{'|'.join(groups)})(?![\w'’])", re.IGNORECASE)


_PHRASE = _phrase_pattern()

# _PHRASE tried at every character costs more than all the rest of the stage, so it is
# tried only at a word that is the first word of some phrase, and with those phrases only.
# A phrase's first word is a whole word of the text: its letters match only letters, and
# what follows it in the phrase (a space, an apostrophe, a dot, a comma, the end) is none.
_FIRST_WORDS = {
    word: re.compile(re.escape(word), re.IGNORECASE)
    for word in sorted({_first_word(p) for _, phrases, _ in _KINDS for p in _phrase_list(phrases)})
}
_FIRST_WORD_AT = re.compile(rf"(?<![\w'’])(?:{any_of(_FIRST_WORDS)})(?!\w)", re.IGNORECASE)
# An ASCII text (most comments) is looked up word by word, lowered, instead.
_FIRST_WORDS_IN_ASCII = ascii_forms(_FIRST_WORDS)
_WORD_RUN = re.compile(r"\w+")


# Kept per first word of a phrase as typed ("ik", "IK"), never per word of a comment: the
# scrubber keeps nothing of what it reads.
@functools.lru_cache(maxsize=1024)
def _phrases_starting(word: str) -> re.Pattern[str]:
    """_PHRASE cut down to the phrases that can start with ``word``."""
    firsts = frozenset(first for first, same in _FIRST_WORDS.items() if same.fullmatch(word))
    return _phrases_with_first_words(firsts)


@functools.cache
def _phrases_with_first_words(first_words: frozenset[str]) -> re.Pattern[str]:
    return _phrase_pattern(first_words)


def _phrases(text: str) -> Iterator[re.Match[str]]:
    """What _PHRASE.finditer(text) finds, found from the words a phrase can start with."""
    if text.isascii() and _FIRST_WORDS_IN_ASCII.isdisjoint(_WORD_RUN.findall(text.lower())):
        return
    done = 0
    for word in _FIRST_WORD_AT.finditer(text):
        if word.start() < done:
            continue
        phrase = _phrases_starting(word.group(0)).match(text, word.start())
        if phrase is not None:
            yield phrase
            done = phrase.end()


# Between the phrase and the name: "mijn naam is: Jan", "اسمي هو محمد", "Groeten,\nJan".
# A dash only between spaces: "اسمي-kenteken" is one word, not a phrase and a name.
_LEAD = re.compile(
    r"(?:[ \t]{0,3}[:=,،][ \t]{0,3}|[ \t]{1,3}[-–][ \t]{1,3}|[ \t]{0,3})"
    r"(?:(?:is|ist|est|to|der|die|هو|هي)[ \t]{1,3})?",
    re.IGNORECASE,
)
_SIGN_OFF_LEAD = re.compile(
    r"(?:[ \t]{0,3}[,،:!.][ \t]{0,3}|[ \t]{1,3}[-–][ \t]{1,3}|[ \t]{0,3})(?:\r?\n[ \t]{0,3})?"
    r"(?P<sender>(?:van|from|von|od)[ \t]{1,3})?",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_]{1,40}+(?:['’-][^\W\d_]{1,40}+){0,3}+\.?(?![\w'’-])")
_NAME_GAP = re.compile(r"[ \t]{1,3}")
_MAX_WORDS = 6

# -- word lists -----------------------------------------------------------------------------

_PARTICLES = word_list(
    """van de der den het 't ter ten te in von vom zu zur dem la le du des d' di da dos
    del della bin ibn ben al el abu ait"""
)
_TITLES = word_list(
    """mevrouw mevr mw meneer mr dhr heer mrs ms miss frau herr madame mme monsieur
    mademoiselle mlle pan pani bay bayan dr drs ir prof fam familie family famille
    rodzina aile السيد السيدة"""
)
# Words that are not a name, though they may follow an introduction, even with a capital.
_NOT_NAMES = word_list(
    """
    ik jij je u hij zij ze wij we jullie het de een dit dat deze die hier daar er en of
    maar want dus ook niet geen wel nog al heel erg zeer zo te echt best nu net even
    blij tevreden ontevreden boos teleurgesteld verbaasd moe klaar bang benieuwd zeker
    gelukkig verdrietig klant vaste stamklant moeder vader student gepensioneerd hier
    nieuw nieuwe oud oude van op aan bij met voor na om uit over onder tegen zonder
    i you he she we they it the a an this that these those here there and or but so not
    no yes very really quite just also too happy glad sad sorry sure satisfied pleased
    disappointed angry upset tired ready afraid new old regular customer mother father
    student retired back from in at on with for by to of about again always never
    ich du er sie es wir ihr der die das ein eine und oder aber auch nicht kein sehr
    echt ganz so hier jetzt schon noch froh zufrieden unzufrieden glücklich traurig
    enttäuscht müde sicher kunde kundin stammkunde stammkundin mutter vater rentner
    rentnerin neu neue aus mit für bei von zu am im
    je tu il elle nous vous ils elles le la les un une ce cette et ou mais donc pas ne
    très vraiment assez aussi content contente satisfait satisfaite heureux heureuse
    déçu déçue triste fatigué fatiguée sûr désolé désolée client cliente fidèle mère
    père retraité retraitée nouveau nouvelle ici de du des en au avec pour
    ben sen o biz siz onlar bir ve veya ama çok gerçekten da de bu şu memnun mutlu
    üzgün yorgun müşteri burada yeni
    ja ty on ona my wy oni i lub ale nie tak bardzo naprawdę też zadowolony zadowolona
    szczęśliwy szczęśliwa smutny smutna zmęczony zmęczona pewny klient klientka stały
    stała matka ojciec emeryt emerytka nowy nowa tu z w na do od polka polakiem
    positief negatief enthousiast verrast ontevreden geïrriteerd gefrustreerd geschrokken
    trots dankbaar fan vaak altijd nooit soms gisteren vandaag morgen zojuist eigenlijk
    gewoon helemaal zwanger ziek alleen samen gek kwaad
    ravi ravie déçu mécontent mécontente surpris surprise étonné étonnée fâché fâchée
    énervé énervée furieux furieuse reconnaissant reconnaissante toujours souvent jamais
    parfois venu venue allé allée passé passée seul seule enceinte malade
    niezadowolony niezadowolona zachwycony zachwycona zaskoczony zaskoczona zły zła
    wdzięczny wdzięczna rozczarowany rozczarowana często zawsze nigdy tutaj
    delighted thrilled impressed amazed surprised shocked grateful thankful annoyed
    frustrated confused done going writing often
    begeistert überrascht verärgert dankbar oft immer nie gerade
    super hartstikke ontzettend enorm mega vet top totaal absoluut extra toch weer even
    eens toen later vroeg laat binnen buiten langs thuis terug terecht lid vegetariër
    ok oké okay trop hyper tellement plutôt pas là déjà arrivé arrivée entré entrée
    sorti sortie rentré rentrée revenu revenue strasznie całkiem już ogromnie szalenie
    pierwszy pierwsza klientem klientką stałym stałą był była przyszedł przyszła
    oma opa mama papa mam pap mum mom dad granny grandma grandpa mutti vati mama's mamie
    papi mamusia babcia dziadek nine dede buurman buurvrouw neighbour nachbar voisin
    voisine sąsiad komşu anoniem anonymous anonym anonyme anonim anonimowy anonimowa
    kassa winkel store shop personeel staff service servicebalie team allemaal everyone
    everybody all guys mate again schön sehr vielmals beaucoup bien encore tous
    و في من على إلى الى عن مع هذا هذه أنا انا وأنا وانا هو هي كان كانت زبون زبونة عميل
    عميلة جدا سعيد سعيدة راض راضي راضية مسرور مسرورة شكرا المتجر الخدمة لكن ولكن اليوم
    هنا أريد كنت لست لا نعم جديد جديدة دائم دائمة لكم لك جزيلا كثيرا الجميع للجميع
    """
)
# Capitalised after "ik ben", "I'm", "jestem" ... but a nationality or a faith, not a name.
_NOT_NAMES_CASED = word_list(
    """
    nederlander nederlandse hollander belg belgische vlaming duitser duitse turk turkse
    marokkaan marokkaanse pool poolse fransman franse engelsman engelse amerikaan
    surinamer surinaamse antilliaan syriër afghaan moslim christen katholiek joods
    dutch belgian german turkish moroccan polish french english british american muslim
    christian catholic jewish european
    deutscher deutsche türke türkin pole polin franzose französin niederländer
    niederländerin belgier belgierin
    français française belge allemand allemande turc turque marocain marocaine polonais
    polonaise néerlandais néerlandaise
    polak polką polakiem polka niemcem niemką holendrem holenderką turczynką turkiem
    francuzem francuzką belgiem
    türküm türk alman hollandalı
    marokkaans turks nederlands hollands belgisch vlaams duits pools frans engels
    surinaams antilliaans syrisch spaans italiaans portugees grieks roemeens bulgaars
    oekraïens russisch chinees indisch europees islamitisch christelijk joods
    """
)
# Shop and brand names: "ik ben Albert Heijn-klant" is not a name.
_BRANDS = word_list(
    """heijn jumbo lidl aldi hema kruidvat etos blokker zeeman primark ikea mediamarkt
    rossmann carrefour delhaize colruyt spar coop vomar hoogvliet gamma praxis karwei
    intratuin coolblue zalando rewe edeka kaufland netto penny migros biedronka żabka
    lewiatan bim a101 şok lulu action decathlon tesco sainsbury's asda morrisons waitrose
    boots lidl's jumbo's"""
)
# The phrases' own words are never a name: "Mijn naam is Jan Mijn naam is ..." stops at "Mijn".
_PHRASE_WORDS = word_list(
    " ".join(
        (_NAMING, _NAMING_CAPITALISED, _BEING_CASED, _BEING, _PRESENTING, _LABELS, _SIGN_OFFS)
    ).replace("|", " ")
)
_ARABIC_AND = "و"


def _fold(word: str) -> str:
    return fold(word.rstrip("."))


def _is_name(word: str) -> bool:
    if not (is_capitalised(word) or is_caseless(word)):
        return False
    # "ZZP'er", "KPN-klant": capitals after the first letter are an acronym, not a name
    # ("McDonald", "O'Brien" and capitals only, "JAN", are fine).
    if len(word) > 2 and word[1].isupper() and not word.isupper():
        return False
    # "Ben", "An", "Frans" are words too, but with a capital a known name wins.
    if _not_a_name(word) and not (is_capitalised(word) and _fold(word) in GIVEN_NAMES):
        return False
    # Every part of a double name has a capital ("Jan-Willem", "Marie-Claire", "El-Amrani"),
    # except a particle ("Fatima el-Amrani"): "Ajax-fan" is not a name.
    parts = word.rstrip(".").split("-")
    return all(is_capitalised(p) or is_caseless(p) or fold(p) in _PARTICLES for p in parts)


def _not_a_name(word: str) -> bool:
    folded = _fold(word)
    return folded in _NOT_NAMES or folded in _PHRASE_WORDS or folded in CALENDAR_WORDS


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _words_after(text: str, pos: int) -> list[re.Match[str]]:
    words: list[re.Match[str]] = []
    while len(words) < _MAX_WORDS:
        word = _NAME_WORD.match(text, pos)
        if word is None:
            break
        words.append(word)
        gap = _NAME_GAP.match(text, word.end())
        if gap is None:
            break
        pos = gap.end()
    return words


def _ends_sentence(word: str) -> bool:
    return word.endswith(".") and not _is_initial(word)


def _capitalised_name(words: list[str], first: int) -> int:
    """How many words from ``first`` on make a capitalised name: "Jan van der Berg"."""
    end = first + 1
    while end < len(words) and not _ends_sentence(words[end - 1]):
        word = words[end]
        if _is_name(word) or _is_initial(word):
            end += 1
            continue
        # Tussenvoegsels count only with a surname after them ("Jan de Vries", not "Jan de").
        run = end
        while run < len(words) and run - end < 3 and _fold(words[run]) in _PARTICLES:
            run += 1
        # "in" only as in "in 't Veld": "Jan in Utrecht" is a name and a place.
        lone_in = run == end + 1 and _fold(words[end]) == "in"
        if run > end and run < len(words) and _is_name(words[run]) and not lone_in:
            end = run + 1
            continue
        break
    return end


def _caseless_name(words: list[str], first: int) -> int:
    """How many words from ``first`` on make a name in a script without capitals."""
    end = first + 1
    if _ends_sentence(words[first]):
        return end
    if end >= len(words):
        return end
    nxt = words[end]
    # "محمد وأنا ...": a word joined by "and" starts the next clause.
    joined = nxt.startswith(_ARABIC_AND) and _fold(nxt) not in GIVEN_NAMES
    if is_caseless(nxt) and not _not_a_name(nxt) and not joined:
        end += 1
    return end


def _lowercase_name(words: list[str], first: int) -> int:
    """How many words make a name typed in lower case after "my name is": "jan de vries"."""
    end = first + 1
    if _ends_sentence(words[first]):
        return end
    if end < len(words) and _fold(words[end]) in _PARTICLES:
        run = end
        while run < len(words) and run - end < 3 and _fold(words[run]) in _PARTICLES:
            run += 1
        if run < len(words) and not _not_a_name(words[run]):
            return run + 1
    if end < len(words) and not _not_a_name(words[end]):
        end += 1
    return end


def _known(word: str) -> bool:
    folded = _fold(word)
    return folded in GIVEN_NAMES or any(part in GIVEN_NAMES for part in folded.split("-"))


def _name_span(text: str, kind: str, pos: int, sender: bool) -> tuple[int, int] | None:
    matches = _words_after(text, pos)
    words = [m.group(0) for m in matches]
    if not words:
        return None
    first = 0
    titled = (
        _fold(words[0]) in _TITLES
        and len(words) > 1
        and (_is_name(words[1]) or _fold(words[1]) in _PARTICLES)
    )
    if titled:
        first = 1
    head = words[first]
    if is_caseless(head):
        if _not_a_name(head):
            return None
        end = _caseless_name(words, first)
        known = _known(head)
    elif _is_initial(head) or (_is_name(head) and (len(head) <= 3 or not head[1:].isupper())):
        end = _capitalised_name(words, first)
        known = _known(head)
    elif (
        kind in ("naming", "label")
        and is_capitalised(head)
        and _fold(head) in CALENDAR_WORDS
        and _capitalised_name(words, first) > first + 1
    ):
        # "My name is April Jones", "Mijn naam is Mei Ling": a month, but with a surname.
        end = _capitalised_name(words, first)
        known = True
    elif (is_capitalised(head) or titled) and _fold(head) in _PARTICLES:
        # A surname on its own that starts with its tussenvoegsel: "Van Dijk", "Fam. de Boer".
        end = _capitalised_name(words, first)
        if end == first + 1:
            return None
        known = True
    elif kind in ("naming", "label") and head.isalpha() and not _not_a_name(head):
        end = _lowercase_name(words, first)
        known = True
    elif kind == "sign_off" and _fold(head) in GIVEN_NAMES and head.isalpha():
        # "groetjes, ilse" typed in lower case: only a known name that ends the comment.
        end = _lowercase_name(words, first)
        if not _ends_here(text, matches[end - 1].end()):
            return None
        known = True
    else:
        return None
    if kind == "being" and not (known or titled or end - first > 1):
        return None
    if kind == "presenting" and not (known or titled):
        return None
    if kind == "being_cased" and _fold(head) in _NOT_NAMES_CASED:
        return None
    if any(_fold(w) in _BRANDS for w in words[first:end]):
        return None
    if kind == "sign_off" and is_caseless(head) and not known:
        return None  # no capital to tell a name from "شكرا لكم" ("thank you")
    if kind == "sign_off" and not (
        known or titled or (not sender and _ends_here(text, matches[end - 1].end()))
    ):
        return None
    last = matches[end - 1]
    stop = last.end()
    # A name at the end of a sentence keeps its full stop; an initial keeps its dot.
    if text[stop - 1] == "." and not _is_initial(last.group(0)):
        stop -= 1
    return matches[0].start(), stop


def _ends_here(text: str, pos: int) -> bool:
    """Nothing but punctuation before the end of the comment or of its line."""
    rest = text[pos : pos + 32].lstrip(" \t.!?,;:)")
    # Another stage's placeholder may follow ("Groeten, Jan Bos [phone]"), not this one's: a
    # second run must not find a name the first did not.
    placeholder = rest.startswith("[") and not rest.startswith(NAME_MARK)
    return rest == "" or rest[0] in "\r\n" or placeholder


def _starts_here(text: str, pos: int) -> bool:
    before = text[max(0, pos - 4) : pos].rstrip(" \t")
    return before == "" or before[-1] in ".!?,\n)"


def scrub_names(text: str, found: Counter[str]) -> str:
    parts: list[str] = []
    done = 0
    for phrase in _phrases(text):
        if phrase.start() < done:
            continue
        kind = phrase.lastgroup or ""
        if kind == "sign_off":
            if _fold(phrase.group(0)) in _SIGN_OFFS_AT_START and not _starts_here(
                text, phrase.start()
            ):
                continue
            lead = _SIGN_OFF_LEAD.match(text, phrase.end())
        else:
            lead = _LEAD.match(text, phrase.end())
        pos = lead.end() if lead else phrase.end()
        sender = lead is not None and "sender" in lead.groupdict() and bool(lead.group("sender"))
        span = _name_span(text, kind, pos, sender)
        if span is None:
            continue
        if kind == "capitalised" and not is_capitalised(text[span[0] : span[1]]):
            continue
        parts.append(text[done : span[0]])
        parts.append(NAME_MARK)
        found["name"] += 1
        done = span[1]
    parts.append(text[done:])
    return "".join(parts)
