"""Where a shopper lives or what they drive: street addresses, postcodes, licence plates.

Addresses (``[address]``), as written in NL, BE and DE and by shoppers from around them:

- a street with a house number: "Kerkstraat 12a", "Hauptstr. 5", "Van Goghstraat 7",
  "Rue de la Loi 16", "Berliner Straße 12", "ul. Marszałkowska 10/2", "Atatürk Caddesi
  No: 15", "شارع الملك فهد 12", "12 rue de la Paix", "221B Baker Street"; with what
  follows it ("bus 3", ", 1000 Brussel", ", 10115 Berlin");
- a Dutch postcode ("1234 AB", "1234AB 12"): it points at a handful of houses, so it goes
  even alone, unless its letters are a unit ("1000 GB", "500 ML" are not postcodes);
- a numeric postcode with a city ("10115 Berlin", "1000 Brussel", "00-950 Warszawa")
  when the city is a known one, a postcode word precedes it ("PLZ", "code postal") or it
  follows a street address. A bare four- or five-digit number stays: prices and
  quantities ("10000 Punkte", "12500 Euro") look the same;
- a street without a suffix ("Meir 12", "Rokin 12") only with a box number ("Meir 12 bus
  3") or after "I live at", "mijn adres" and the like.

A street named without a house number ("the Kalverstraat store was busy") stays: it names
a store's location, not a shopper's home. A house number followed by a unit ("Kerkplein
3 keer", "Hauptstraße 5 Minuten") is not one.

Licence plates (``[plate]``): Dutch plates in all fourteen sidecodes, written with dashes
in capitals ("12-ABC-3", "GB-99-ZZ"), or in any case and with spaces or none after a word
that introduces them ("kenteken 12abc3", "Kennzeichen AB 123 C"). Codes after "artikel",
"SKU", "order" and the like are left for the id stage.
"""

from __future__ import annotations

import re
from collections import Counter

from ces.scrub.marks import ADDRESS_MARK, PLATE_MARK
from ces.scrub.skips import has_decimals
from ces.scrub.words import (
    CALENDAR_WORDS,
    Word,
    fold,
    is_capitalised,
    is_caseless,
    word_list,
    word_texts,
    words_of,
)

# -- word lists -----------------------------------------------------------------------------

# Street-name endings typed in any case ("kerkstraat 12"); the stem before them has at least
# three letters, so a bare "weg 5" is not a street.
_STRONG_SUFFIXES = tuple(
    word_list(
        """straat laan weg plein gracht kade dijk singel dreef steeg steenweg straße strasse
        gasse allee platz damm ufer"""
    )
)
# Endings that are also ordinary word endings: only in a capitalised word ("Vismarkt 3").
_WEAK_SUFFIXES = tuple(
    word_list(
        """lei hof wal wall vest ring baan pad markt kaai plantsoen chaussee boulevard kanaal
        plaats park"""
    )
)
# Words that end like a street but are not one.
_NOT_STREETS = word_list(
    """supermarkt hypermarkt baumarkt supermarket flohmarkt wochenmarkt weihnachtsmarkt
    kerstmarkt snelweg terugweg heenweg uitweg onderweg halfweg rückweg heimweg hinweg fietspad
    voetpad wandelpad gangpad middenpad looppad parkplatz arbeitsplatz sitzplatz spielplatz
    stellplatz sportplatz schoolplein speelplein loopbaan ijsbaan rolbaan landingsbaan
    parkeerterrein kinderwagen boodschappenwagen winkelwagen parkeerplaats werkplaats
    standplaats woonplaats geboorteplaats zitplaats staanplaats ligplaats winkelpark
    pretpark vakantiepark attractiepark bedrijvenpark freizeitpark wagenpark
    fietsenstalling"""
)
# A word on its own after a street's name: "Berliner Straße", "Grote Markt", "Atatürk
# Caddesi", "Baker Street".
_STREET_WORDS = word_list(
    """straat laan weg plein markt gracht kade dijk singel dreef steeg lei straße strasse
    str allee platz gasse ring damm caddesi cadde cad cd sokak sokağı sok sk bulvarı bulvar
    blv mahallesi mah yolu street st road rd avenue ave lane drive square crescent
    boulevard close"""
)
# A word before a street's name: "Rue de la Loi", "ul. Marszałkowska", "Laan van
# Meerdervoort", "شارع الملك فهد".
_STREET_TYPES = word_list(
    """rue avenue boulevard chaussée place quai allée impasse chemin route square cours
    passage laan ulica ulicy aleja alei plac osiedle via calle شارع طريق"""
)
# ... also before a name typed in lower case ("rue neuve 12", "ul. długa 5").
_STREET_TYPES_TYPED_LOW = word_list(
    "rue chaussée quai allée impasse chemin ulica ulicy aleja ul al شارع"
)
# Abbreviated street types count only with their dot ("ul." is a street, "al" is a word).
_ABBREVIATED_STREET_TYPES = word_list("ul al pl os av bd bld")
_PARTICLES = word_list(
    """de van der den het 't ter ten te la le les du des di da del della von vom zu zum zur
    am an im auf dem"""
)
# ... of which these join a name on its left ("Burgemeester de Vlugtlaan"); "am", "an", "im"
# open a street's name ("Am Markt") and stand before one ("Lieferung an Kurfürstendamm").
_LEFT_PARTICLES = _PARTICLES - word_list("am an im auf dem zum zur")
# ... and in a city's name: "Bergen op Zoom", "Alphen aan den Rijn".
_CITY_PARTICLES = _PARTICLES | word_list("op aan sur sous upon")
# Capitalised words that open a sentence or a phrase, never a street's or a city's name.
_NOT_NAMES = word_list(
    """ik in op aan bij naar mijn onze ons wij we het een dit deze daar hier nu ook en of
    my our i at on the a an to from near and or of is my in we he she it this that there
    im auf meine mein ich wir und oder ist sind bei zur nach nähe
    je à au aux dans sur chez mon ma mes notre et ou est c'est j'habite
    na przy w moja mój moje i oraz jest
    ben benim ve bir
    adres adresse address adresim woon woonadres wohne live habite mieszkam
    naast tegenover kassa winkel store shop filiale magasin sklep mağaza"""
)
# Words that say a house number is nearby.
_NUMBER_WORDS = word_list("nr no nummer number num numer numara numarası n°")
# A house number named as such after the rest of an address: "..., huisnummer 12".
_HOUSE_NUMBER_WORDS = word_list("huisnummer hausnummer huisnr hausnr numéro numer numara")
_BOX_WORDS = word_list("bus bte boîte boite b app apt appartement m lok daire d kat wohnung whg")
_HOUSE_TAILS = word_list("hs bis ter")
# After a number, a unit or a count: it is not a house number.
_UNITS = word_list(
    """x keer maal mal fois kez kere raz razy times min minuut minuten minutes minute mins
    sec seconden seconds sekunden secondes uur uren u h hours hour hrs stunden stunde std
    heures heure dakika saat dk sa godzin godziny minut km m cm mm kg g gr l ml cl dl
    euro euros eur cent cents ct procent percent prozent pourcent pct stuks stuk st pcs
    pieces piece stück stk sztuk szt adet tane jaar jaren years year jahre jahren jahr ans
    an lat yıl yaş dagen dag days day tage tagen tag jours jour gün dni dzień weken week
    weeks wochen woche semaines semaine hafta tygodni maanden maand months month monate
    monat mois ay miesięcy personen persoon mensen people persons menschen personnes kişi
    osób klanten klant customers kunden kunde clients müşteri klientów kinderen kids
    children kinder enfants dzieci çocuk items artikelen artikel artikels produkte
    produits ürün produktów rijen kassa's meter meters punten punkte points puan punktów
    verdieping etage floor stock étage kat piętro"""
)
# Words that introduce an address: the street after them needs no suffix.
_ADDRESS_WORDS = word_list(
    """adres adresse address addr adresi adresim adresimiz woonadres postadres bezorgadres
    afleveradres lieferadresse anschrift woon woont wonen woonachtig wohne wohnt wohnen
    habite habitons habitez domicile live lives living reside mieszkam mieszkamy mieszka
    adresem zamieszkania oturuyorum oturuyoruz ikamet عنوان عنواني العنوان أسكن اسكن
    أعيش اعيش
    bezorg bezorgen bezorgd bezorging levering leveren afleveren lever stuur sturen
    opsturen deliver delivered delivery send ship shipping liefern liefert lieferung
    geliefert schicken senden livrer livrez livraison envoyer envoyez dostawa dostarczyć
    wysłać wyślij wyślijcie teslimat gönderin gönderir gönder توصيل أرسل ارسل"""
)
_POSTCODE_WORDS = word_list(
    "postcode plz postleitzahl postal zip zipcode pocztowy kodu البريدي postnummer"
)
# Two capitals after four digits that are a unit or a size, not the letters of a postcode
# (and SA, SD and SS, which Dutch postcodes never use).
_NOT_POSTCODE_LETTERS = word_list(
    "gb mb kb tb pb ml cl dl kg mg km cm mm xl xs pk kw hp hz cc ad bc am pm eu sa sd ss hd lb oz ms mp"
)
# Cities whose name after a four-digit number (BE, LU, AT, CH) makes it a postcode.
# Two small letters after four digits that are a word, not a postcode's ("4711 en 8712").
_WORD_PAIRS = word_list(
    """en in op of om te is at on to um am an im et la le du ve da na ze do od il ja je we
    er zu ab au en bu o"""
)
_CITIES_4 = word_list(
    """brussel bruxelles brussels antwerpen anvers gent gand brugge bruges leuven louvain
    mechelen malines hasselt genk kortrijk courtrai oostende ostende aalst sint-niklaas
    roeselare turnhout lier liège luik namur namen charleroi mons tournai doornik wavre
    waver nivelles ixelles elsene schaerbeek schaarbeek anderlecht uccle ukkel etterbeek
    jette molenbeek vilvoorde zaventem dendermonde geel mol ieper waregem tienen knokke
    eupen arlon verviers seraing louvain-la-neuve luxembourg wien graz linz salzburg
    innsbruck zürich zurich genève geneve bern basel lausanne luzern"""
)
# ... after a five-digit number (DE, FR, TR; PL has its own form, "00-950 Warszawa").
_CITIES_5 = word_list(
    """berlin hamburg münchen muenchen munich köln koeln cologne frankfurt stuttgart
    düsseldorf duesseldorf dortmund essen leipzig bremen dresden hannover nürnberg
    duisburg bochum wuppertal bielefeld bonn münster karlsruhe mannheim augsburg
    wiesbaden mönchengladbach gelsenkirchen aachen braunschweig kiel chemnitz halle
    magdeburg freiburg krefeld mainz lübeck erfurt oberhausen rostock kassel hagen potsdam
    saarbrücken hamm ludwigshafen oldenburg osnabrück leverkusen heidelberg darmstadt
    solingen regensburg paderborn ingolstadt würzburg ulm wolfsburg göttingen trier jena
    kleve emmerich gronau
    paris marseille lyon toulouse nice nantes strasbourg montpellier bordeaux lille rennes
    reims toulon grenoble dijon angers nîmes villeurbanne clermont-ferrand havre
    aix-en-provence brest limoges tours amiens perpignan metz besançon orléans rouen
    mulhouse caen nancy roubaix tourcoing dunkerque calais
    warszawa kraków krakow łódź wrocław poznań gdańsk szczecin bydgoszcz lublin białystok
    katowice gdynia częstochowa radom toruń sosnowiec rzeszów kielce gliwice olsztyn opole
    istanbul ankara izmir bursa antalya adana konya gaziantep kayseri mersin eskişehir
    diyarbakır samsun trabzon kadıköy beşiktaş üsküdar şişli bakırköy fatih çankaya"""
)
# Before a year: "in 2019 Antwerpen" is not a postcode.
_YEAR_WORDS = word_list(
    """in sinds since seit depuis en w od im from vanaf ab until tot bis jusqu'en year jaar
    jahr année rok yılı"""
)
_MONTHS = word_list(
    """jan feb mrt maa mar apr mei may mai jun jul aug sep okt oct nov dec dez maj lis paz
    sty lut kwi cze lip sie wrz"""
)

_HOUSE_NUMBER = re.compile(
    r"\d{1,4}(?:-?[a-hA-H]|bis|ter|-?(?:I{1,3}|IV|hs|HS|bg|BG|zw|ZW))?(?:[-/]\d{1,4}[a-hA-H]?)?"
)
_NL_POSTCODE = re.compile(r"[1-9]\d{3}")
_NL_POSTCODE_TIGHT = re.compile(r"[1-9]\d{3}-?([A-Za-z]{2})")
# A country before a postcode: "D-10115 Berlin", "NL-1234 AB", "B-1000 Brussel".
_COUNTRY = re.compile(r"(?:D|DE|NL|B|BE|F|FR|L|LU|A|AT|CH|PL|TR)-(?=\d)")
_PL_POSTCODE = re.compile(r"\d{2}-\d{3}")
_NUMERIC_POSTCODE = re.compile(r"\d{4,5}")
_SPACES = re.compile(r"[ \t]{1,3}")
_NUMBER_GAP = re.compile(r"[ \t]{0,3}[:.]?[ \t]{0,3}")
_LIST_GAP = re.compile(r"[ \t]{0,3}[,،]?[ \t\n]{0,3}")
_CITY_GAP = re.compile(r"[ \t]{1,3}|[ \t]?[/-][ \t]?")
_JOIN_GAP = re.compile(r"[\s,،;/–-]{0,5}")
_DECIMAL_GAP = frozenset(",.:")
_NUMBER_JOINS = frozenset(("", ",", ".", ":", "/", "-"))
_CURRENCY = frozenset("€$£¥₺")
_CONTEXT_WORDS = 6


class _Text:
    """The words of a text, with the questions the address stage asks about them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = words_of(text)

    def gap(self, k: int) -> str:
        """What lies between word k-1 and word k."""
        if k <= 0 or k >= len(self.words):
            return ""
        return self.text[self.words[k - 1].end : self.words[k].start]

    def spaced(self, k: int) -> bool:
        return 0 < k < len(self.words) and _SPACES.fullmatch(self.gap(k)) is not None

    def word(self, k: int) -> Word | None:
        if 0 <= k < len(self.words) and not self.words[k].mark:
            return self.words[k]
        return None

    def name_like(self, k: int) -> bool:
        w = self.word(k)
        return (
            w is not None
            and (is_capitalised(w.text) or is_caseless(w.text))
            and w.bare not in _NOT_NAMES
            and w.bare not in CALENDAR_WORDS
            and not w.text[0].isdecimal()
        )

    def house_number(self, k: int) -> bool:
        w = self.word(k)
        if w is None or _HOUSE_NUMBER.fullmatch(w.text.rstrip(".")) is None:
            return False
        if self.within_number(k):
            return False
        after = self.word(k + 1)
        gap = self.gap(k + 1)
        if after is not None:
            decimal = gap in _DECIMAL_GAP or (gap == "" and w.text.endswith("."))
            if decimal and after.text[0].isdecimal():
                return False  # 12,50 or 10:30 or 10.15
            if _SPACES.fullmatch(gap) and after.bare in _UNITS:
                return False
        before = self.gap(k)
        return not (gap[:1] in _CURRENCY or "%" in gap[:2] or any(c in _CURRENCY for c in before))

    def within_number(self, k: int) -> bool:
        """Word k continues the number before it: "2024" in "03.11.2024" or "01/12/2024".

        Glued to a placeholder counts too: what the placeholder stands for may have been
        a number, and a second run must not find what the first did not.
        """
        if k <= 0 or self.gap(k) not in _NUMBER_JOINS:
            return False
        prev = self.words[k - 1]
        return prev.mark or prev.text.rstrip(".")[-1:].isdecimal()

    def words_before(self, k: int, count: int) -> set[str]:
        """Up to ``count`` words before word k, not reaching past a placeholder.

        A placeholder stands for several words; looking past it, a second run would see
        words the first run found too far away.
        """
        found: set[str] = set()
        for w in reversed(self.words[max(0, k - count) : k]):
            if w.mark:
                break
            found.add(w.bare)
        return found

    def introduced_as_address(self, k: int) -> bool:
        return not self.words_before(k, _CONTEXT_WORDS).isdisjoint(_ADDRESS_WORDS)


def _street_suffixed(w: Word) -> bool:
    return _suffixed(w.text, w.bare)


def _suffixed(text: str, bare: str) -> bool:
    if bare in _NOT_STREETS:
        return False
    if (text.endswith("str.") or bare.endswith("str")) and len(bare) > 5:
        return True  # Hauptstr. 5, kerkstr 12
    # A suffix after a stem of at least three letters: the word from its fourth letter ends so.
    stemmed = bare[3:]
    if stemmed.endswith(_STRONG_SUFFIXES):
        return True
    return is_capitalised(text) and stemmed.endswith(_WEAK_SUFFIXES)


def _street_type(w: Word) -> bool:
    if w.bare in _STREET_TYPES:
        return True
    return w.text.endswith(".") and w.bare in _ABBREVIATED_STREET_TYPES


def _names_left(t: _Text, k: int, most: int = 3) -> int:
    """The first word of the name ending at word k ("Burgemeester de Vlugtlaan")."""
    start = k
    for _ in range(most):
        if not t.spaced(start):
            break
        prev = t.word(start - 1)
        if prev is None:
            break
        if t.name_like(start - 1):
            start -= 1
        elif prev.bare in _LEFT_PARTICLES and t.spaced(start - 1) and t.name_like(start - 2):
            start -= 2
        else:
            break
    return start


def _street_before(t: _Text, number: int) -> int | None:
    """The first word of a street named right before the house number at word ``number``."""
    j = number - 1
    w = t.word(j)
    if w is None:
        return None
    if w.bare in _NUMBER_WORDS and _NUMBER_GAP.fullmatch(t.gap(number)):
        j -= 1
        w = t.word(j)
        if w is None or not t.spaced(j + 1):
            return None
    elif not (t.spaced(number) or (w.text.endswith(".") and t.gap(number) == "")):
        return None
    if _street_suffixed(w):
        return _names_left(t, j)
    if w.bare in _STREET_WORDS and t.spaced(j) and t.name_like(j - 1):
        return _names_left(t, j - 1)
    # A street type some words back: "Rue de la Loi", "ul. Nowy Świat", "rue neuve".
    names = 0
    lowercase = 0
    for k in range(j, max(-1, j - 6), -1):
        wk = t.word(k)
        if wk is None or (k < j and not t.spaced(k + 1)):
            break
        if _street_type(wk) and (names or (lowercase and wk.bare in _STREET_TYPES_TYPED_LOW)):
            return k
        if t.name_like(k):
            names += 1
        elif wk.bare not in _PARTICLES:
            if lowercase == 2 or not wk.text.isalpha() or wk.bare in _NOT_NAMES:
                break
            lowercase += 1
    return None


def _street_after(t: _Text, number: int) -> int | None:
    """The last word of a street named right after the house number: "12 rue de la Paix"."""
    k = number + 1
    w = t.word(k)
    if w is None or _LIST_GAP.fullmatch(t.gap(k)) is None or "\n" in t.gap(k):
        return None
    if _street_type(w):
        last = None
        for m in range(k + 1, k + 6):
            wm = t.word(m)
            if wm is None or not t.spaced(m):
                break
            if t.name_like(m):
                last = m
            elif wm.bare not in _PARTICLES:
                break
        return last
    for m in range(k, k + 4):
        wm = t.word(m)
        if wm is None or (m > k and not t.spaced(m)):
            return None
        if m > k and wm.bare in _STREET_WORDS:
            return m
        if _street_suffixed(wm) and is_capitalised(wm.text):
            return m
        if not t.name_like(m):
            return None
    return None


def _number_tail(t: _Text, number: int) -> int:
    """The last word of a house number: "12 bus 3", "10/2", "12 hs"."""
    k = number + 1
    w = t.word(k)
    if w is None:
        return number
    gap = t.gap(k)
    if gap == "/" and w.text[0].isdecimal():
        return k
    if _SPACES.fullmatch(gap) is None:
        return number
    if w.bare in _HOUSE_TAILS:
        return k
    after = t.word(k + 1)
    if (
        w.bare in _BOX_WORDS
        and after is not None
        and after.text[0].isdecimal()
        and _NUMBER_GAP.fullmatch(t.gap(k + 1))
    ):
        return k + 1
    return number


def _city_after(t: _Text, k: int, most: int = 3) -> int:
    """The last word of a city name after word k ("Den Haag", "Frankfurt am Main")."""
    last = k
    m = k + 1
    while m <= k + most and t.word(m) is not None and _CITY_GAP.fullmatch(t.gap(m)):
        if t.name_like(m):
            last = m
        elif not (t.words[m].bare in _CITY_PARTICLES and t.name_like(m + 1) and t.spaced(m + 1)):
            break
        m += 1
    return last


def _city_name(t: _Text, first: int, last: int) -> str:
    return " ".join(t.words[k].bare for k in range(first, last + 1))


class _Finds:
    def __init__(self) -> None:
        self.sure: list[tuple[int, int]] = []  # word ranges, first and last word
        self.maybe: list[tuple[int, int]] = []  # sure only next to a sure one


def _postcode_named(t: _Text, i: int) -> bool:
    """A word for a postcode right before word i: "PLZ 10115"."""
    return not t.words_before(i, 3).isdisjoint(_POSTCODE_WORDS)


def _postcode_context(t: _Text, i: int) -> bool:
    """An address or a postcode is being given around word i."""
    return t.introduced_as_address(i) or bool(t.words_before(i, _CONTEXT_WORDS) & _POSTCODE_WORDS)


def _postcode_at(t: _Text, i: int, finds: _Finds) -> None:
    w = t.word(i)
    if w is None or t.within_number(i):
        return
    country = _COUNTRY.match(w.text)
    text = w.text[country.end() if country else 0 :].rstrip(".")
    if not text[:1].isdecimal():
        return
    tight = _NL_POSTCODE_TIGHT.fullmatch(text)
    letters = None
    last = i
    if tight:
        letters = tight.group(1)
    elif _NL_POSTCODE.fullmatch(text) and t.spaced(i + 1):
        after = t.word(i + 1)
        two = after is not None and len(after.bare) == 2 and after.bare.isalpha()
        if after is not None and two and not (after.text.islower() and after.bare in _WORD_PAIRS):
            letters = after.text[:2]
            last = i + 1
    if letters is not None and letters.isascii():
        end = last
        if t.house_number(last + 1) and _LIST_GAP.fullmatch(t.gap(last + 1)):
            end = _number_tail(t, last + 1)
        else:
            end = _city_after(t, last)
        found = (i, end)
        # Typed tight ("1234ab") or in capitals ("1234 AB"); "1234 ab" needs more, as two
        # small letters are often a word ("sinds 2015 in Köln").
        upper_or_tight = letters.isupper() or tight is not None
        letters_ok = upper_or_tight and letters.casefold() not in _NOT_POSTCODE_LETTERS
        numbered = end > last and t.house_number(last + 1)
        if (
            letters_ok
            or numbered
            or _postcode_named(t, i)
            or (upper_or_tight and _postcode_context(t, i))
        ):
            finds.sure.append(found)
        else:
            finds.maybe.append(found)
        return
    numeric = _NUMERIC_POSTCODE.fullmatch(text) or _PL_POSTCODE.fullmatch(text)
    if numeric is None or any(c in _CURRENCY for c in t.gap(i)[-2:]):
        return
    if _postcode_named(t, i):
        city = _city_after(t, i) if t.spaced(i + 1) else i
        finds.sure.append((i, city))
        return
    if not (t.spaced(i + 1) and t.name_like(i + 1)):
        return
    if len(text) == 4 and 1900 <= int(text) <= 2099 and t.words_before(i, 1) & _YEAR_WORDS:
        return
    city = _city_after(t, i)
    cities = _CITIES_4 if len(text) == 4 else _CITIES_5
    known = _city_name(t, i + 1, city) in cities or _city_name(t, i + 1, i + 1) in cities
    if known or _postcode_context(t, i) or _PL_POSTCODE.fullmatch(text):
        finds.sure.append((i, city))
    else:
        finds.maybe.append((i, city))


def _streets_at(t: _Text, i: int, finds: _Finds) -> None:
    if not t.house_number(i):
        return
    start = _street_before(t, i)
    if start is None:
        tail = _number_tail(t, i)
        boxed = tail > i + 1
        if (boxed or t.introduced_as_address(i - 1)) and t.spaced(i) and t.name_like(i - 1):
            start = _names_left(t, i - 1)
    if start is not None:
        finds.sure.append((start, _number_tail(t, i)))
        return
    named = t.word(i - 1)
    if named is not None and named.bare in _HOUSE_NUMBER_WORDS and _NUMBER_GAP.fullmatch(t.gap(i)):
        finds.maybe.append((i - 1, _number_tail(t, i)))
        return
    last = _street_after(t, i)
    if last is not None:
        finds.sure.append((i, last))
    elif t.spaced(i) and t.name_like(i - 1) and sum(c.isdecimal() for c in t.words[i].text) < 4:
        # "Unter den Linden 77": a street only if a postcode follows it.
        finds.maybe.append((_names_left(t, i - 1), _number_tail(t, i)))


def _merged(t: _Text, finds: _Finds) -> list[tuple[int, int]]:
    """Character spans of the addresses: sure finds, with the maybes that touch them."""
    spans = sorted(
        [(t.words[a].start, t.words[b].end, True) for a, b in finds.sure]
        + [(t.words[a].start, t.words[b].end, False) for a, b in finds.maybe]
    )
    groups: list[list[tuple[int, int, bool]]] = []
    for span in spans:
        if groups and (
            span[0] <= groups[-1][-1][1]
            or _JOIN_GAP.fullmatch(t.text, groups[-1][-1][1], span[0]) is not None
        ):
            groups[-1].append(span)
        else:
            groups.append([span])
    found = [
        (group[0][0], max(end for _, end, _ in group))
        for group in groups
        if any(sure for _, _, sure in group)
    ]
    # A full stop after the last word ends the sentence, not the address.
    return [(start, end - (t.text[end - 1] == ".")) for start, end in found]


# What every sure find needs (a maybe is kept only beside a sure one): one of these words
# near a house number (_street_before, _street_after, a box number, "I live at") or a
# postcode (named as such, given as part of an address, followed by a known city); or a
# street-like word (_suffixed); or a postcode of the Dutch or Polish shape, its letters a
# word of their own (_postcode_at reads "1234 AB", not "2024 in").
_CUES = (
    _STREET_WORDS
    | _STREET_TYPES
    | _ABBREVIATED_STREET_TYPES
    | _BOX_WORDS
    | _ADDRESS_WORDS
    | _POSTCODE_WORDS
    | _CITIES_4
    | _CITIES_5
)
_POSTCODE_SHAPES = re.compile(
    rf"(?:{_NL_POSTCODE.pattern}(?:-?|\.?[ \t]{{1,3}})[A-Za-z]{{2}}|{_PL_POSTCODE.pattern})(?![^\W_])"
)


def _is_cue(word: str) -> bool:
    bare = fold(word.rstrip("."))
    return bare in _CUES or _suffixed(word, bare)


def _may_hold_address(text: str) -> bool:
    """False where scrub_addresses can find nothing: no digit, or none of what it needs."""
    if not has_decimals(text):
        return False  # every find has a house number or a postcode
    return _POSTCODE_SHAPES.search(text) is not None or any(map(_is_cue, word_texts(text)))


def scrub_addresses(text: str, found: Counter[str]) -> str:
    if not _may_hold_address(text):
        return text
    t = _Text(text)
    finds = _Finds()
    for i, w in enumerate(t.words):
        # A house number and a postcode are words with digits; the words around them are
        # only looked at from there.
        if not w.text.isalpha() and has_decimals(w.text):
            _streets_at(t, i, finds)
            _postcode_at(t, i, finds)
    spans = _merged(t, finds)
    if not spans:
        return text
    parts: list[str] = []
    done = 0
    for start, end in spans:
        parts.append(text[done:start])
        parts.append(ADDRESS_MARK)
        found["address"] += 1
        done = end
    parts.append(text[done:])
    return "".join(parts)


# -- licence plates -------------------------------------------------------------------------

# The fourteen Dutch sidecodes, letters as L and digits as D.
_SIDECODES = frozenset(
    code.upper()
    for code in word_list(
        """LL-DD-DD DD-DD-LL DD-LL-DD LL-DD-LL LL-LL-DD DD-LL-LL DD-LLL-D D-LLL-DD LL-DDD-L
        L-DDD-LL LLL-DD-L L-DD-LLL D-LL-DDD DDD-LL-D"""
    )
)
_COMPACT_SIDECODES = frozenset(code.replace("-", "") for code in _SIDECODES)
_PLATE_WORDS = (
    r"kenteken(?:plaat|nummer)?|nummerbord|nummerplaat|(?:license|licence|number)[ -]?plate"
    r"|plates?|registration(?:[ -]number)?|kennzeichen|autokennzeichen|nummernschild"
    r"|plaque(?:[ -]d['’]immatriculation)?|immatriculation|immat|tablic[aey](?:[ -]rejestracyjn[aey])?"
    r"|rejestracj[aię]|numer[ -]rejestracyjny|plaka(?:sı|m|mız|lı|sını)?|لوحة|اللوحة|لوحتي"
)
# Words that may stand between "kenteken" and the plate: "kenteken van mijn auto is ...".
_PLATE_FILLER = (
    r"is|was|ist|war|est|était|nr|no|number|numer|nummer|mijn|my|mein|meine|ma|mon|moja|mój"
    r"|benim|de|het|the|le|la|die|das|der|van|of|von|du|auto|car|voiture|wagen|samochodu"
    r"|arabamın|arabanın|arabamızın|to|jest|:"
)
_PLATE_INTRO = re.compile(
    rf"(?<!\w)(?:{_PLATE_WORDS})(?!\w)(?:[\s:.,=-]{{1,3}}(?:(?:{_PLATE_FILLER})(?![\w-]))?){{1,5}}",
    re.IGNORECASE,
)
_PLATE_AFTER_INTRO = re.compile(r"[A-Za-z\d]{1,8}+(?:[- ][A-Za-z\d]{1,4}+){0,2}+(?!\w)")
_PLATE_DASHED = re.compile(r"(?<![\w-])[A-Za-z\d]{1,3}+-[A-Za-z\d]{2,3}+-[A-Za-z\d]{1,3}+(?![\w-])")
# Right before a dashed code: it is a product or order code, not a plate.
_CODE_WORDS = re.compile(
    r"(?<!\w)(?:art|artikel|artikelnummer|artikelnr|artikelcode|article|item|code|codes|product"
    r"|productcode|productnummer|produkt|produktnummer|produktcode|produit|sku|ean|model|modell"
    r"|modèle|type|typ|ref|referentie|référence|bestelling|bestelnummer|bestelnr|bestelcode"
    r"|order|ordernummer|ordernr|bestellung|bestellnummer|commande|klantnummer|klantnr"
    r"|klantenkaart|klantenpas|kundennummer|kundenkarte|client|pas|kaart|karte|carte|card"
    r"|loyalty|zamówienie|zamówienia|sipariş|siparişi|ürün|numéro|nummer|number|nr|no"
    # ... or a placeholder: what it stands for may have been one of these words.
    r"|\[[a-z-]{2,8}\])"
    r"(?!\w)[\s.:#-]*\Z",
    re.IGNORECASE,
)
# Right before a plate typed in small letters: "mijn auto (12-abc-3)", "car is ab-123-c".
_CAR_WORDS = re.compile(
    r"(?<!\w)(?:auto|car|wagen|voiture|samochód|samochodu|araba|arabam|سيارة|سيارتي)"
    r"(?:[\s(:,.-]{1,3}(?:is|was|met|with|mit|ist|avec|est|to|jest))?[\s(:,.-]{0,3}\Z",
    re.IGNORECASE,
)
_CODE_WINDOW = 30


def _sidecode(plate: str) -> str:
    return "".join("D" if c.isdecimal() else "L" if c.isalpha() else "-" for c in plate)


def _plate_after_intro(text: str, begin: int) -> tuple[int, int] | None:
    match = _PLATE_AFTER_INTRO.match(text, begin)
    if match is None:
        return None
    groups = re.split(r"[- ]", match.group(0))
    # The longest reading first, so "12 ABC 3" is read whole, not as "12".
    for count in range(len(groups), 0, -1):
        plate = "-".join(groups[:count])
        if _plate_like(plate, count):
            return begin, begin + len(plate)
    return None


def _plate_like(plate: str, groups: int) -> bool:
    """A plate after a word that introduces one: Dutch, or another country's in capitals."""
    shape = _sidecode(plate)
    if (groups == 3 and shape in _SIDECODES) or (groups == 1 and shape in _COMPACT_SIDECODES):
        return True
    # "34 ABC 12" (TR), "B-AB 1234" (DE), "WA 12345" (PL), "ab123cd" typed as one.
    length = len(plate) - groups + 1
    mixed = "D" in shape and "L" in shape
    return mixed and 5 <= length <= 8 and (plate.isupper() or groups == 1)


def _is_month(plate: str) -> bool:
    return any(part.casefold() in _MONTHS for part in plate.split("-") if part.isalpha())


def scrub_plates(text: str, found: Counter[str]) -> str:
    if not has_decimals(text):
        return text  # every sidecode has digits
    spans: list[tuple[int, int]] = []
    for intro in _PLATE_INTRO.finditer(text):
        span = _plate_after_intro(text, intro.end())
        if span is not None:
            spans.append(span)
    # A dashed plate has two dashes: most texts have none to look for.
    dashed_plates = _PLATE_DASHED.finditer(text) if text.count("-") >= 2 else ()
    for dashed in dashed_plates:
        plate = dashed.group(0)
        if _sidecode(plate) not in _SIDECODES or _is_month(plate):
            continue
        window = text[max(0, dashed.start() - _CODE_WINDOW) : dashed.start()]
        if _CODE_WORDS.search(window):
            continue
        if plate.upper() != plate and not _CAR_WORDS.search(window):
            continue
        spans.append((dashed.start(), dashed.end()))
    if not spans:
        return text
    parts: list[str] = []
    done = 0
    for start, end in sorted(spans):
        if start < done:
            continue
        parts.append(text[done:start])
        parts.append(PLATE_MARK)
        found["plate"] += 1
        done = end
    parts.append(text[done:])
    return "".join(parts)
