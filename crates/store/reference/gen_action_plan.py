#!/usr/bin/env python3
"""Generates action_plan.tsv from the seed text of the Actieplan Sterk Sociaal Werk 2020-2024.

Run once from this folder:  python3 gen_action_plan.py > action_plan.tsv
The seed is a text extraction of a PDF: lines are wrapped, page numbers stand alone and the
header "Mogelijke initiatieven" is repeated after a page break. Texts are kept word for word;
only line breaks become single spaces (a hyphen at the end of a line in an all-caps heading
joins the word halves). The test `action_plan_matches_the_seed` in crates/store checks the
result against the same seed file.

Columns: kind (theme|action|initiative), code, parent code, spearhead number (0 = none), text.
"""
import re
import sys

SEED = "seed-003-actieplan.txt"
# The four spearheads (speerpunten) of section 4, and the theme each belongs to.
SPEARHEADS = {"4.10": 1, "4.6": 2, "4.3": 3, "4.7": 4}
# Initiatives that do not start with "We": the first words of each, as in the seed.
OTHER_STARTS = ("In samenwerking met", "Op de Sociaalwerkconferentie", "Op basis",
                "Sociaal werkers brengen", "Sociaal werkers formuleren", "De hogescholen")

# A title line that starts with a capital but still belongs to the action's title.
TITLE_ENDS = ("Innovatiefabriek.",)

lines = open(SEED, encoding="utf-8").read().split("\n")
start = next(i for i, l in enumerate(lines) if re.match(r"^4\.1\.\t", l))
end = next(i for i, l in enumerate(lines) if "Het actieplan Sterk Sociaal Werk wordt, zoals reeds vermeld" in l)
body = [l.rstrip() for l in lines[start:end]]

def clean(l):
    return l.strip()

def join(parts, caps=False):
    out = ""
    for p in parts:
        p = clean(p)
        if not p:
            continue
        if not out:
            out = p
        elif caps and out.endswith("-") and p[:1].isupper():
            out = out[:-1] + p
        else:
            out = out + " " + p
    return re.sub(r"\s+", " ", out).strip()

def is_noise(l):
    s = l.strip()
    return s == "" or re.fullmatch(r"\d+", s) is not None

rows = []
i = 0
theme = None
action = None
n_action = 0
mode = None  # None | "initiatives"
current = None
def flush():
    global current
    if current is not None:
        rows.append(("initiative", current[0], current[1], 0, join(current[2])))
        current = None

while i < len(body):
    l = body[i]
    s = l.strip()
    m = re.match(r"^(4\.\d+)\.\s+(.*)$", s)
    if m and m.group(2).upper() == m.group(2):
        flush()
        mode = None
        theme = m.group(1)
        parts = [m.group(2)]
        i += 1
        while i < len(body) and body[i].strip() and body[i].strip().upper() == body[i].strip():
            parts.append(body[i]); i += 1
        rows.append(("theme", theme, "", SPEARHEADS.get(theme, 0), join(parts, caps=True)))
        n_action = 0
        continue
    m = re.match(r"^Actie (\d+):?\s+(.*)$", s)
    if m and theme:
        flush()
        mode = None
        n_action = int(m.group(1))
        action = f"{theme}-A{n_action}"
        parts = [m.group(2)]
        while not re.search(r"[.?]$", clean(parts[-1])) and i + 1 < len(body) and (
                body[i + 1].strip()[:1].islower() or body[i + 1].strip() in TITLE_ENDS):
            i += 1
            parts.append(body[i])
        rows.append(("action", action, theme, 0, join(parts)))
        n_init = 0
        i += 1
        continue
    if s == "Mogelijke initiatieven":
        mode = "initiatives"
        i += 1
        continue
    if mode == "initiatives":
        if is_noise(l):
            i += 1
            continue
        prev_done = current is None or re.search(r"[.?)…]$", clean(current[2][-1])) is not None
        starts = s.startswith("We ") or s.startswith(OTHER_STARTS)
        if current is None or starts:
            flush()
            n_init += 1
            current = (f"{action}-I{n_init}", action, [s])
        else:
            current[2].append(s)
        i += 1
        continue
    i += 1
flush()

w = sys.stdout
for kind, code, parent, spear, text in rows:
    assert "\t" not in text
    w.write(f"{kind}\t{code}\t{parent}\t{spear}\t{text}\n")
