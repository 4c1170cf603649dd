#!/usr/bin/env python3
"""Writes fixtures/names/corpus/: community documents (minutes, notes, newsletters) naming people
who are in no register, with an answer key. Every person is invented: given names and surnames
of the communities a UK community of practice serves (West African, South Asian, Polish and
Eastern European, Welsh, Scottish, English, Caribbean, Somali, Turkish, Arabic, Chinese;
accented and hyphenated forms among them) are paired at random, so no full name is a real
person's. The given names here were written for this corpus, apart from the tool's given-name
list, so that the measure is of the list as well as of the rules.

Besides the people, each document names places and organisations that look like names and are
not ("Rose Hill", "St John Ambulance", "Mary Seacole Ward"): none of them may be redacted.

answer-key.txt: one line per labelled item, "FILE name/COMMUNITY TEXT" or "FILE not TEXT".
Deterministic: run it again and the same files are written.
Usage: python3 scripts/make-names-corpus.py
"""
import os
import random

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "names", "corpus")

COMMUNITIES = {
    "west_african": (
        "Adaeze Chidi Chiamaka Emeka Ngozi Obinna Oluwaseun Folake Adebayo Temitope Yetunde Babatunde "
        "Kwame Kofi Abena Yaw Akosua Kwabena Efua Aminu Zainab Halima Ifeoma Nnamdi Tobenna Funmilayo "
        "Olumide Bukola Chinwe Uchenna",
        "Okafor Okonkwo Adeyemi Oyelaran Nwosu Eze Mensah Asante Boateng Owusu Bello Abubakar Ogunleye "
        "Obi Danso Nwachukwu Adewale Ofori Appiah Onyekachi",
    ),
    "south_asian": (
        "Harpreet Gurpreet Manjit Jaswinder Sandeep Rajinder Parminder Kulvinder Hardeep Navjot Priyanka "
        "Anjali Deepa Nisha Rakesh Sanjay Vijay Ashok Bhavna Hetal Nusrat Farhana Shamima Rubina Tahmina "
        "Imran Tariq Asif Ayesha Faisal Sajid Shabana Kavitha Lakshmi Senthil Arjun Meera Sunita",
        "Sandhu Gill Dhillon Sidhu Patel Shah Mistry Desai Chowdhury Begum Rahman Uddin Hussain Akhtar "
        "Iqbal Malik Butt Pillai Subramanian Krishnan Nair Bains Kaur Thakrar",
    ),
    "polish_eastern_european": (
        "Katarzyna Małgorzata Agnieszka Wojciech Grzegorz Krzysztof Piotr Tomasz Łukasz Zofia Magdalena "
        "Joanna Paweł Dorota Jolanta Andrzej Bartosz Ewelina Marta Kamil Oksana Bogdan Irina Dmitri "
        "Vasile Ionela Raluca Jurgis Aistė Tetiana",
        "Kowalski Nowak Wiśniewska Wójcik Kamińska Lewandowski Zieliński Szymańska Woźniak Dąbrowski "
        "Kozłowska Jankowski Mazur Krawczyk Popescu Ionescu Kovalenko Petrauskas Bondarenko Horvath",
    ),
    "welsh": (
        "Ffion Rhys Gethin Cerys Dafydd Siân Llinos Iolo Gwenllian Rhiannon Bethan Owain Elin Gareth Aled "
        "Catrin Nia Huw Angharad Emyr Seren Tegan Ieuan Carys",
        "Pryce Llewellyn Evans Pritchard Vaughan Bowen Howells Griffiths Parry Morgan Powell Jenkins "
        "Rees Lloyd Prosser",
    ),
    "scottish": (
        "Eilidh Ruaridh Mhairi Iain Catriona Seonaidh Isla Callum Kirsty Morag Hamish Ailsa Alasdair "
        "Fiona Struan Ishbel Lachlan Murdo Shona Kenna",
        "MacLeod MacDonald Campbell Robertson Sinclair Grant Mackenzie Stewart Munro McIntyre Ferguson "
        "Buchanan Cameron Drummond",
    ),
    "english": (
        "Susan Karen Gary Darren Lisa Claire Gemma Wayne Sharon Nigel Pauline Trevor Shirley Barry Joan "
        "Doreen Ethan Poppy Freddie Harriet Imogen Rory Jasmine Leah Ruby Alfie Oscar Evie Zoë Chloë",
        "Hartley Wilkinson Thompson Fletcher Holmes Walsh Barker Turner Bennett Gregory Ashworth "
        "Pickering Whitworth Cartwright Oakley",
    ),
    "caribbean_somali_turkish_arabic_chinese": (
        "Delroy Marcia Winston Paulette Desmond Abdirahman Hodan Ayaan Fartun Hamdi Leyla Mehmet Emine "
        "Yusuf Khadija Samira Wei Mei Jun Xiaoling Renée José Inês",
        "Warsame Abdi Farah Hassan Yilmaz Demir Kaya Ahmed Chen Wong Liu Blake Grant Osman Haddad",
    ),
}
HYPHENATED = "Mary-Jane Jean-Paul Anne-Marie Ana-Maria Lily-Rose Kai-Li Sarah-Louise Jean-Baptiste".split()
TITLES = ["Mrs", "Mr", "Ms", "Dr", "Cllr"]

# Places and organisations that look like names: never a person.
LOOKALIKES = (
    "Victoria Park|Rose Hill|Grace Darling Hall|St John Ambulance|Florence Nightingale Hospice|"
    "Mary Seacole Ward|Princess Alice Hospice|Alexandra Palace|Catherine Street|Albert Road|"
    "Kingsley Hall|Emmeline Pankhurst Centre|Charles Dickens School|Jane Austen Society|"
    "William Harvey Hospital|George Street|James Street|Christian Aid|St Helen's Church|"
    "Margaret Street Surgery|Elizabeth Fry Lodge|Edith Cavell Ward|Nelson Mandela House|"
    "Martin Luther King Centre|Thomas Paine Society|Isaac Newton Academy|Amy Johnson Way|"
    "Lloyd Park|Harriet Tubman House|Winston Churchill Memorial|Anne Frank Trust|"
    "Joseph Rowntree Foundation|Mary Ward House|Octavia Hill Estate|Hope Street|Grace Street|"
    "Stanley Park|Albert Dock|Victoria Station|Oliver Cromwell Road|Gladstone Library|"
    "Walter Scott Court|Robert Burns Centre|Owen Glendower Inn|Dylan Thomas Centre|"
    "David Livingstone Centre|Agnes Jones House|Josephine Butler College|Ada Lovelace Building|"
    "Rosalind Franklin Institute|Sophia Gardens|Prince Albert Road|Queen Mary University|"
    "Helen Bamber Foundation|Anthony Nolan Trust|Sue Ryder Hospice|Marie Curie Hospice|"
    "Leonard Cheshire Foundation|Florence Street|Beatrice Webb House|Clement Attlee Court|"
    "Nye Bevan Lodge|Keir Hardie Hall|Mary Macarthur Fund|Ellen Wilkinson School|Norah Fry Centre|"
    "Hannah More Academy|Edward Jenner Unit|John Ruskin College|Peter Scott Way|Thomas Coram Fund|"
    "Elizabeth Garrett Anderson Hospital|Olive Morris House|Claudia Jones Way|Mahatma Gandhi Hall|"
    "Noor Inayat Khan Gardens|Walter Tull Way|Mary Prince Road|Ira Aldridge Theatre|"
    "Lilian Bader Court|Sake Dean Mahomed Way|Kamal Chunchie Park|Harold Moody Park|"
    "Una Marson Library|Learie Constantine Centre|Pablo Fanque House|Cornelia Street|"
    "Adelaide Street|Caroline Gardens|Matilda Lane|Ruth Street|Irene Road|Bernard Street|"
    "Felix Road|Esther Road|Miriam Lane|Sylvia Pankhurst Gardens|Vera Brittain Hall|"
    "Dorothy Hodgkin Building|Barbara Castle Way|Betty Boothroyd Hall|Jennie Lee Centre|"
    "Margaret Bondfield Court|Eleanor Rathbone Building|Josiah Wedgwood Academy|Arthur Street"
).split("|")

TEMPLATES = [
    "{n} opened the meeting and welcomed everyone.",
    "Thanks to {n} for the refreshments.",
    "{n} said the hub needs a bigger room in the spring.",
    "We welcomed {n} as a new volunteer.",
    "The report by {n} was noted.",
    "Action: {n} to book the room for next month.",
    "{n}'s notes from the training day are attached.",
    "Apologies were received from {n}.",
    "A carer, {n}, asked about respite support.",
    "The session on communication passports was led by {n}.",
    "{n} will contact the family support team.",
    "Questions about the newsletter went to {n}.",
]
PLACE_TEMPLATES = [
    "The next hub meeting is at {p}.",
    "We had a stall at {p} in June.",
    "A grant from {p} paid for the leaflets.",
    "Members visited {p} on the open day.",
    "Parking near {p} is limited.",
]
HEADINGS = ["Hub meeting notes", "Steering group minutes", "Newsletter draft", "Carers' forum notes"]


def main():
    rng = random.Random(2026)
    people = []
    seen = set()
    for community, (given, surnames) in COMMUNITIES.items():
        g, s = given.split(), surnames.split()
        want = 46 if community != "scottish" else 44
        while sum(1 for p in people if p[0] == community) < want:
            full = f"{rng.choice(g)} {rng.choice(s)}"
            if full not in seen:
                seen.add(full)
                people.append((community, full))
    for h in HYPHENATED:
        surname = rng.choice([s for _, (_, ss) in COMMUNITIES.items() for s in ss.split()])
        full = f"{h} {surname}"
        if full not in seen:
            seen.add(full)
            people.append(("hyphenated", full))
    rng.shuffle(people)
    places = LOOKALIKES[:]
    rng.shuffle(places)
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))
    key = [
        "# Answer key for the documents here (scripts/make-names-corpus.py; every person invented):",
        "# \"FILE name/COMMUNITY TEXT\": a person in no register, to be found (with the title, when given);",
        "# \"FILE not TEXT\": a place or organisation that looks like a name, never to be redacted.",
    ]
    per_doc = 20
    docs = (len(people) + per_doc - 1) // per_doc
    for d in range(docs):
        name = f"doc-{d + 1:02}.txt"
        chunk = people[d * per_doc : (d + 1) * per_doc]
        spots = places[d * len(places) // docs : (d + 1) * len(places) // docs]
        lines = [f"{rng.choice(HEADINGS)} (synthetic test document: every person is invented)", ""]
        items = [("name", p) for p in chunk] + [("not", p) for p in spots]
        rng.shuffle(items)
        for kind, text in items:
            if kind == "name":
                shown = f"{rng.choice(TITLES)} {text[1]}" if rng.random() < 0.2 else text[1]
                lines.append(rng.choice(TEMPLATES).format(n=shown))
                key.append(f"{name} name/{text[0]} {shown}")
            else:
                lines.append(rng.choice(PLACE_TEMPLATES).format(p=text))
                key.append(f"{name} not {text}")
        with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "answer-key.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(key) + "\n")
    names = sum(1 for k in key if " name/" in k)
    nots = sum(1 for k in key if " not " in k)
    print(f"wrote {docs} documents: {names} names of people in no register, {nots} look-alikes")


REG_OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "names", "register")

PEOPLE_HEADER = "ref,name,email,phone,organisation,stakeholder_group,hub,jurisdiction,adult_confirmed,source,joined_on,notes"
CONSENT_HEADER = (
    "person_ref,email,purpose,action,controllers,channels,statement_version,notice_version,method,evidence_ref,at,"
    "recorded_by,given_by,authority_kind,authority_ref,verified_by,verified_at,support_given,told_can_withdraw,"
    "special_categories"
)


def register_corpus(rng):
    """The registered people's documents: people withheld from the receiver named in full (with
    possessives, straight and curly) and later by their first name or title and surname alone, and
    people who go, named the same ways, who must stay. register-key.txt: "FILE full|short|keep TEXT"
    (a withheld person's full name, a sentence with a withheld person's short mention, an included
    person's sentence)."""
    os.makedirs(REG_OUT, exist_ok=True)
    for f in os.listdir(REG_OUT):
        os.remove(os.path.join(REG_OUT, f))
    pool = []
    for given, surnames in COMMUNITIES.values():
        pool.append((given.split(), surnames.split()))
    used_first, used_last, people = set(), set(), []
    while len(people) < 60:
        g, s = rng.choice(pool)
        first, last = rng.choice(g), rng.choice(s)
        if first in used_first or last in used_last:
            continue
        used_first.add(first)
        used_last.add(last)
        people.append((first, last))
    rows, consents = [PEOPLE_HEADER], [CONSENT_HEADER]
    for i, (first, last) in enumerate(people):
        ref = f"N{i + 1:03}"
        email = f"{first.lower()}.{last.lower()}@example.org".encode("ascii", "ignore").decode()
        rows.append(f"{ref},{first} {last},{email},,,professional,,england_wales,yes,signup form,2024-01-01,")
        if i >= 40:
            consents.append(
                f"{ref},,disclose_to_successor,grant,brightwater-trust;kscop-steering-group,,DS-2025,PN-2025,"
                f"paper_signed,EV-{ref},2026-03-01T10:00:00Z,facilitator,self,,,,,,yes,"
            )
    with open(os.path.join(REG_OUT, "people.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(REG_OUT, "consent.csv"), "w", encoding="utf-8") as f:
        f.write("\n".join(consents) + "\n")
    withheld, included = people[:40], people[40:]
    key = [
        "# Answer key for the documents here (scripts/make-names-corpus.py; every person invented): people",
        "# N001-N040 are withheld from kscop-steering-group, N041-N060 go to it. \"FILE full TEXT\": a",
        "# withheld person's full name, to go; \"FILE short TEXT\": a sentence naming a withheld person",
        "# by a shorter form, not to stay as it is; \"FILE keep TEXT\": a sentence naming a person who",
        "# goes, to stay as it is.",
    ]
    titles = ["Mrs", "Mr", "Ms", "Dr"]
    for d in range(10):
        name = f"reg-{d + 1:02}.txt"
        w = withheld[d * 4 : d * 4 + 4]
        inc = included[d * 2 : d * 2 + 2]
        full = [f"{a} {b}" for a, b in w]
        lines = [f"Hub meeting notes {d + 1} (synthetic test document: every person is invented)", ""]
        lines.append(f"Present: {full[0]}, {inc[0][0]} {inc[0][1]} and {full[1]}.")
        lines.append(f"{full[0]}'s report on the hub was noted.")
        lines.append(f"{full[2]}\u2019s idea for a sensory room was welcomed; {full[3]} sent apologies.")
        key += [f"{name} full {x}" for x in full]
        shorts = [
            f"{w[0][0]} agreed to chair the next meeting.",
            f"Thanks to {rng.choice(titles)} {w[1][1]} for the minutes.",
            f"{w[2][0]}'s carers' group meets on Fridays.",
            f"{w[3][0]} and the family team will write to the council.",
        ]
        keeps = [
            f"{inc[0][0]} will send the newsletter.",
            f"{inc[1][0]} {inc[1][1]} joined the steering group.",
            f"Thanks to {rng.choice(titles)} {inc[0][1]} for the room.",
        ]
        body = shorts + keeps
        rng.shuffle(body)
        lines += body
        key += [f"{name} short {x}" for x in shorts] + [f"{name} keep {x}" for x in keeps]
        with open(os.path.join(REG_OUT, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    with open(os.path.join(REG_OUT, "register-key.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(key) + "\n")
    print("wrote 10 register documents: 40 withheld people (full and short mentions), 20 who go")


if __name__ == "__main__":
    main()
    register_corpus(random.Random(2027))
