"""The anonymity filter of free texts (comptes rendus, bilan): names, email addresses, phone numbers.

`identifying_terms(text, names)` returns the identifying terms of a text, as
typed, in the order they appear:

- a name (first or last name of at least 3 letters) written as a whole word
  or words: accents, hyphens and case are ignored (« Hélène » matches
  « helene », « Jean-Pierre » matches « jean pierre »), but a name inside a
  longer word is not a match (« Martin » is not found in « Martinez »);
- an email address;
- a French phone number (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78,
  0612345678).

`names_for_filter(seance)` lists the names a séance's texts may not contain:
its group's members, the programme's intervenants and every active MLHG user;
`names_for_programme(programme)` the names a bilan may not contain.
"""

import re
import unicodedata

# Roles whose active users' names are never written in a compte rendu.
MLHG_ROLES = ("staff", "evaluateur", "responsable", "conseiller", "intervenant")
MIN_LETTERS = 3

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
PHONE_RE = re.compile(
    r"(?<![\d+])"
    r"(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)"
    r"[1-9](?:[\s.\-]?\d{2}){4}"
    r"(?!\d)"
)
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
# What may separate the parts of a compound name in a text: spaces, hyphens, apostrophes.
SEPARATOR_RE = re.compile(r"[\s\-‐‑–'’]+")


def fold(value: str) -> str:
    """Lower case without accents: « Hélène » → « helene », « Œuvre » → « oeuvre »."""
    value = value.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_tokens(name: str) -> tuple[str, ...]:
    """A name as its folded words: « Jean-Pierre » → ("jean", "pierre")."""
    return tuple(fold(word) for word in WORD_RE.findall(name or ""))


def _name_index(names) -> dict[str, list[tuple[str, ...]]]:
    """Names of at least 3 letters, indexed by their first word (longest first)."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for name in names:
        tokens = name_tokens(name)
        if not tokens or sum(len(t) for t in tokens) < MIN_LETTERS:
            continue
        index.setdefault(tokens[0], [])
        if tokens not in index[tokens[0]]:
            index[tokens[0]].append(tokens)
    for variants in index.values():
        variants.sort(key=len, reverse=True)
    return index


def identifying_terms(text: str, names) -> list[str]:
    """The identifying terms found in `text` (as typed, in order, each once); [] when it is anonymous."""
    text = text or ""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for regex in (EMAIL_RE, PHONE_RE):
        for match in regex.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            found.append((match.start(), match.group().strip()))
    words = [m for m in WORD_RE.finditer(text) if not any(s < m.end() and m.start() < e for s, e in taken)]
    folded = [fold(m.group()) for m in words]
    index = _name_index(names)
    i = 0
    while i < len(words):
        matched = 0
        for tokens in index.get(folded[i], ()):
            n = len(tokens)
            if tuple(folded[i : i + n]) != tokens:
                continue
            # The parts of a compound name are separated by spaces, hyphens or apostrophes only.
            if all(SEPARATOR_RE.fullmatch(text[words[k].end() : words[k + 1].start()]) for k in range(i, i + n - 1)):
                matched = n
                break
        if matched:
            found.append((words[i].start(), text[words[i].start() : words[i + matched - 1].end()]))
            i += matched
        else:
            i += 1
    out: list[str] = []
    seen: set[str] = set()
    for _pos, term in sorted(found, key=lambda item: item[0]):
        key = " ".join(name_tokens(term))
        if key not in seen:
            seen.add(key)
            out.append(term)
    return out


def refusal_message(terms: list[str]) -> str:
    quoted = ", ".join(f"« {term} »" for term in terms)
    return f"Le texte contient des éléments identifiants : {quoted}. Retirez-les : le compte rendu est anonyme."


def _names(pairs) -> set[str]:
    names: set[str] = set()
    for pair in pairs:
        for name in pair:
            name = (name or "").strip()
            if sum(len(t) for t in name_tokens(name)) >= MIN_LETTERS:
                names.add(name)
    return names


def _mlhg_and_intervenants(programme) -> list:
    from mlhg_app.models import User

    pairs = list(User.objects.filter(is_active=True, role__in=MLHG_ROLES).values_list("first_name", "last_name"))
    return pairs + list(programme.intervenants.values_list("prenom", "nom"))


def names_for_filter(seance) -> set[str]:
    """First and last names (≥ 3 letters) of the séance's group members, the programme's
    intervenants and every active MLHG user (staff, évaluateurs, responsables, conseillers, intervenants)."""
    pairs = list(seance.groupe.membres.values_list("first_name", "last_name"))
    return _names(pairs + _mlhg_and_intervenants(seance.programme))


def names_for_programme(programme) -> set[str]:
    """The names the bilan may not contain: every group member of the programme (active or not), its
    intervenants and every active MLHG user."""
    from mlhg_app.models import User

    members = User.objects.filter(groupes_app__programme=programme).values_list("first_name", "last_name")
    return _names(list(members) + _mlhg_and_intervenants(programme))
