"""The anonymity filter of free texts (comptes rendus, bilan): names, email addresses, phone numbers.

`identifying_terms(text, names)` returns the identifying terms of a text, as
typed, in the order they appear:

- a name (first or last name of at least 3 letters) written as a whole word
  or words, compared on a skeleton: accents, hyphens and case are ignored
  (« Hélène » matches « helene », « Jean-Pierre » matches « jean pierre »),
  letters of other scripts that look Latin count as those (« Mаnon » with a
  Cyrillic а matches « Manon »), invisible characters are dropped, and a name
  split into pieces is joined again (« D-u-p-u-y », « D.u.p.u.y », « Du puy »
  match « Dupuy »); but a name inside a longer word is not a match (« Martin »
  is not found in « Martinez »);
- the name of a person who is not on the platform (« Madame Lefebvre »,
  « Kevin Moreau »): see seances.personnes;
- an email address;
- a French phone number (06 12 34 56 78, 06.12.34.56.78, +33 6 12 34 56 78,
  0612345678).

`names_for_filter(seance)` lists the names a séance's texts may not contain:
its group's members, the programme's intervenants and every active MLHG user;
`names_for_programme(programme)` the names a bilan may not contain.
"""

import functools
import re
import unicodedata

from mlhg_app.models import User
from seances.personnes import mapped, person_spans, visible_char

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
# What may split one name into pieces (« D-u-p-u-y », « D. u. p. u. y », « Du puy »).
JOIN_GAP_RE = re.compile(r"[\s.\-‐‑–—'’_·•*/|+:]{1,3}")
MAX_SPACED_LETTERS = 3


def fold(value: str) -> str:
    """The skeleton of a word: lower case, no accents, Latin look-alikes of other scripts replaced, invisible
    characters dropped: « Hélène » → « helene », « Œuvre » → « oeuvre », « Mаnon » (Cyrillic а) → « manon »."""
    value = value.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", "".join(visible_char(c) for c in value))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "".join(visible_char(c) for c in stripped)


_fold_char = functools.lru_cache(maxsize=8192)(fold)


def name_tokens(name: str) -> tuple[str, ...]:
    """A name as its folded words: « Jean-Pierre » → ("jean", "pierre")."""
    return tuple(WORD_RE.findall(fold(name or "")))


def _name_index(names) -> tuple[dict[str, list[tuple[str, ...]]], set[str], set[str]]:
    """Names of at least 3 letters indexed by their first word (longest first), their words joined
    (« jeanpierre », « ndiaye ») and the prefixes of those."""
    index: dict[str, list[tuple[str, ...]]] = {}
    joined: set[str] = set()
    for name in names:
        tokens = name_tokens(name)
        if not tokens or sum(len(t) for t in tokens) < MIN_LETTERS:
            continue
        index.setdefault(tokens[0], [])
        if tokens not in index[tokens[0]]:
            index[tokens[0]].append(tokens)
        joined.add("".join(tokens))
    for variants in index.values():
        variants.sort(key=len, reverse=True)
    prefixes = {name[:n] for name in joined for n in range(1, len(name) + 1)}
    return index, joined, prefixes


def _split_name(skeleton, words, i, joined, prefixes) -> int:
    """How many words from words[i] spell a platform name once joined (0 if none): « D-u-p-u-y »,
    « D.u.p.u.y », « Du puy », « ndiaye ». Words apart by spaces are joined only when each is short
    (at most 3 letters), so that « la pointe » never makes « Lapointe »."""
    best = 0
    spelled = ""
    spaced = False
    for j in range(i, len(words)):
        if j > i:
            gap = skeleton[words[j - 1][1] : words[j][0]]
            if not JOIN_GAP_RE.fullmatch(gap):
                break
            spaced = spaced or any(c.isspace() for c in gap)
        spelled += skeleton[words[j][0] : words[j][1]]
        if spelled not in prefixes:
            break
        short = all(b - a <= MAX_SPACED_LETTERS for a, b in words[i : j + 1])
        if spelled in joined and (not spaced or short):
            best = j - i + 1
    return best


def identifying_terms(text: str, names) -> list[str]:
    """The identifying terms found in `text` (as typed, in order, each once); [] when it is anonymous.

    The names of persons who are not on the platform count too (seances.personnes: civilities and
    French named entities)."""
    text = text or ""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for regex in (EMAIL_RE, PHONE_RE):
        for match in regex.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            found.append((match.start(), match.group().strip()))
    skeleton, positions = mapped(text, _fold_char)
    words = [
        m.span()
        for m in WORD_RE.finditer(skeleton)
        if not any(s < positions[m.end() - 1] + 1 and positions[m.start()] < e for s, e in taken)
    ]
    folded = [skeleton[a:b] for a, b in words]
    index, joined, prefixes = _name_index(names)

    def original(first, last):
        return positions[words[first][0]], positions[words[last][1] - 1] + 1

    i = 0
    while i < len(words):
        matched = 0
        for tokens in index.get(folded[i], ()):
            n = len(tokens)
            if tuple(folded[i : i + n]) != tokens:
                continue
            # The parts of a compound name are separated by spaces, hyphens or apostrophes only.
            if all(SEPARATOR_RE.fullmatch(skeleton[words[k][1] : words[k + 1][0]]) for k in range(i, i + n - 1)):
                matched = n
                break
        matched = matched or _split_name(skeleton, words, i, joined, prefixes)
        if matched:
            start, end = original(i, i + matched - 1)
            taken.append((start, end))
            found.append((start, text[start:end]))
            i += matched
        else:
            i += 1
    for start, end in person_spans(text):
        # A person's full name replaces the platform names inside it (« Sophie Martin », not « Martin »).
        inside = [(s, e) for s, e in taken if start <= s and e <= end]
        if any(s < end and start < e for s, e in taken if (s, e) not in inside):
            continue
        found = [(s, term) for s, term in found if not any(a == s for a, _e in inside)]
        taken.append((start, end))
        found.append((start, text[start:end]))
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
    members = User.objects.filter(groupes_app__programme=programme).values_list("first_name", "last_name")
    return _names(list(members) + _mlhg_and_intervenants(programme))
