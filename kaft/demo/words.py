"""Dutch word lists for made-up titles, people and addresses (demo library and benchmarks).

Adjectives are in the inflected form they take after "de" and "het".
"""

from __future__ import annotations

ADJECTIVES = (
    "stille", "verloren", "laatste", "donkere", "gouden", "oude", "kleine", "grote", "wilde",
    "verborgen", "vergeten", "rode", "blauwe", "groene", "koude", "warme", "lange", "vreemde",
    "eerste", "nieuwe", "lege", "diepe", "zoete", "bittere", "open", "witte", "zwarte", "late",
    "heldere", "zachte",
)  # fmt: skip

DE_NOUNS = (
    "zee", "stad", "reis", "brug", "tuin", "haven", "winter", "zomer", "nacht", "dag", "vrouw",
    "man", "zus", "broer", "moeder", "vader", "kat", "hond", "vogel", "rivier", "storm", "kust",
    "weg", "dijk", "molen", "boot", "trein", "fiets", "liefde", "oorlog", "vriendschap",
    "herinnering", "belofte", "brief", "sleutel", "kaart", "klok", "lamp", "deur", "tafel",
    "vuurtoren", "polder", "schuur", "kamer", "zolder", "wind", "maan", "zon", "ster", "tijd",
)  # fmt: skip

HET_NOUNS = (
    "huis", "bos", "meer", "land", "eiland", "dorp", "veld", "water", "licht", "geheim",
    "verhaal", "boek", "lied", "spel", "raam", "paard", "kind", "meisje", "hart", "einde",
    "begin", "leven", "verleden", "geluk", "schip", "kasteel", "station", "museum", "park",
    "atelier",
)  # fmt: skip

PLACES = (
    "Zwolle", "Deventer", "Harlingen", "Dokkum", "Middelburg", "Hoorn", "Zierikzee", "Giethoorn",
    "Maastricht", "Groningen", "Leiden", "Delft", "Gouda", "Alkmaar", "Enkhuizen", "Harderwijk",
    "Brabant", "Twente", "Drenthe", "Zeeland", "Limburg", "Amsterdam", "Utrecht", "Kampen",
)  # fmt: skip

FIRST_NAMES = (
    "Anna", "Sanne", "Lotte", "Emma", "Julia", "Sophie", "Fleur", "Noor", "Eva", "Lieke",
    "Femke", "Marieke", "Ingrid", "Els", "Hanneke", "Joke", "Mila", "Tess", "Yara", "Fatima",
    "Sara", "Daan", "Sem", "Lucas", "Bram", "Thijs", "Jeroen", "Pieter", "Kees", "Joost",
    "Ruben", "Wouter", "Maarten", "Willem", "Hendrik", "Gerrit", "Floris", "Jasper", "Niels",
    "Mohamed", "Ayoub", "Milan", "Jesse", "Tim", "Lars", "Roos", "Isa", "Nina", "Vera", "Ilse",
)  # fmt: skip

# (tussenvoegsel, achternaam)
SURNAMES = (
    ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"), ("", "Bakker"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
    ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"), ("", "Dijkstra"),
    ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"), ("van der", "Linden"), ("", "Kok"),
    ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("van den", "Broek"), ("de", "Bruijn"), ("de", "Jong"), ("", "Schouten"), ("van", "Beek"),
    ("", "Willems"), ("van", "Vliet"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"),
    ("", "Koster"), ("van", "Dam"), ("", "Prins"), ("", "Blom"), ("", "Huisman"),
    ("", "Kuipers"), ("", "Postma"), ("van", "Wijk"), ("", "Timmermans"), ("", "Veenstra"),
)  # fmt: skip

FICTION_SUBJECTS = (
    "Romans", "Thrillers", "Detectives", "Historische romans", "Streekromans", "Familieromans",
    "Fantasy", "Sciencefiction", "Verhalen", "Poëzie", "Humor", "Oorlogsromans",
)  # fmt: skip

NONFICTION_SUBJECTS = (
    "Koken", "Tuinieren", "Geschiedenis", "Nederland", "Tweede Wereldoorlog", "Reizen", "Natuur",
    "Vogels", "Psychologie", "Opvoeding", "Gezondheid", "Sport", "Wielrennen", "Voetbal",
    "Kunst", "Muziek", "Filosofie", "Religie", "Techniek", "Computers", "Economie", "Politiek",
    "Biografieën", "Zee en scheepvaart", "Dieren", "Fotografie", "Architectuur", "Klimaat",
)  # fmt: skip

YOUTH_SUBJECTS = (
    "Prentenboeken", "Kinderboeken", "Jeugdboeken", "Voorleesboeken", "Strips", "Avontuur",
    "Dieren", "Vriendschap", "School", "Sprookjes",
)  # fmt: skip

TOPICS = (
    "brood bakken", "de moestuin", "vogels in de stad", "fietsen door Nederland", "de Gouden Eeuw",
    "het klimaat", "schaken", "breien", "de Noordzee", "oude ambachten", "huisdieren",
    "de sterrenhemel", "wandelen in Drenthe", "de Hollandse keuken", "programmeren",
    "opvoeden", "slapen", "geld", "tekenen", "de Tweede Wereldoorlog",
)  # fmt: skip

PUBLISHERS = (
    "Uitgeverij De Kaft", "Boekhuis Noord", "Lantaarn Pers", "Uitgeverij Molenwiek", "De Zeef",
    "Het Ankertje", "Uitgeverij Polder", "Dijkhuis & Zonen", "Uitgeverij Zilvermeeuw",
    "Leesdamse Pers",
)  # fmt: skip

STREETS = (
    "Kerkstraat", "Molenweg", "Dorpsstraat", "Schoolstraat", "Stationsweg", "Julianalaan",
    "Beatrixstraat", "Wilhelminaweg", "Lindelaan", "Eikenlaan", "Berkenhof", "Populierenweg",
    "Marktplein", "Havenkade", "Dijkweg", "Sluisstraat", "Boterstraat", "Nieuwe Gracht",
    "Oude Vest", "Vondelstraat", "Rembrandtlaan", "Tulpstraat", "Zeilmakerspad", "Veerweg",
)  # fmt: skip

# The demo library's (made-up) town and its postcode range.
TOWN = "Leesdam"
TOWN_POSTCODES = (3791, 3799)
