"""The words the rules know as words: prepositions, heads of names, what is never a name."""

from __future__ import annotations

PREPOSITIONS = {"of", "in", "to", "with", "for", "from", "on", "at", "by", "against", "about", "into",
                "over", "between", "than", "after", "before", "under", "as", "like", "among"}
PLACE_PREPOSITIONS = {"in", "at"}
HEDGES = ("expected to", "likely to", "said to", "hopes to", "hope to", "trying to", "plans to",
          "aims to", "wants to", "set to", "could", "might", "may ")
DETERMINERS = {"a", "an", "the", "this", "that", "these", "those", "its", "their", "his", "her", "our", "any",
               "no", "every", "each", "another"}
DEFINITE = {"the", "this", "that", "these", "its", "their"}
PASSIVE_AUX = {"was", "were", "been", "being", "is", "are", "be"}
PRONOUNS = {"he": "person", "she": "person", "He": "person", "She": "person", "It": "thing"}
NOMINALS = {"minister", "president", "chancellor", "secretary", "leader", "chairman", "premier",
            "spokesman", "official", "company", "firm", "group", "government", "bank", "party"}
ORG_HEADS = {"bank", "fund", "party", "union", "council", "commission", "corporation", "company",
             "group", "organisation", "organization", "ministry", "agency", "forum", "association",
             "institute", "court", "parliament", "congress", "committee", "authority", "foundation",
             "federation", "alliance", "airlines", "airways", "motors", "capital", "holdings",
             "industries", "ltd", "inc", "plc", "corp", "co", "partners", "management", "exchange",
             "office", "department", "assembly", "senate", "board", "network", "bureau", "service",
             "services", "systems", "technologies", "telecom",
             "aeronautics", "aviation", "securities", "investments", "society", "trust", "league"}
PLACE_HEADS = {"sea", "ocean", "river", "gulf", "island", "islands", "mountains", "valley", "city",
               "province", "region", "street", "square", "strait", "peninsula", "bay", "lake", "coast"}
AGREEMENT_HEADS = {"treaty", "pact", "accord", "convention", "protocol", "agreement", "charter"}
# Organisations named head first, as in Spanish, French or Russian names
FOREIGN_ORG_HEADS = {"group", "grupo", "banco", "aguas", "petroleos", "compania", "societe", "television",
                     "radio", "air", "gruppo", "bank"}
ORG_WORDS = {"international", "national", "world", "general", "central", "federal", "european", "oil", "gas",
             "trade", "energy", "security"}
ROMAN = {"II", "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII"}
PARTICLES = {"van", "de", "der", "von", "bin", "al", "da", "du", "la", "le"}
NEWS_OUTLETS = {"BBC", "Reuters", "AFP", "AP", "CNN", "Associated Press", "Financial Times", "Times",
                "Guardian", "Telegraph", "Independent", "Economist", "Wall Street Journal",
                "New York Times", "Washington Post", "Interfax", "Itar-Tass", "Tass", "Xinhua",
                "Bloomberg", "Dow Jones", "Radio 4", "Today", "Newsnight", "BBC News"}
COMMON_CAPITALISED = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "but", "and", "or", "in", "on",
    "at", "for", "with", "as", "by", "from", "to", "of", "if", "when", "while", "after", "before",
    "since", "there", "their", "they", "we", "our", "he", "she", "his", "her", "i", "you", "mr",
    "mrs", "ms", "dr", "sir", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "prime", "minister", "president", "secretary",
    "chancellor", "foreign", "government", "state", "states", "north", "south", "east", "west",
    "new", "european", "christmas", "easter", "god", "internet", "however", "meanwhile", "also",
    "such", "some", "many", "most", "all", "one", "two", "three", "last", "next", "first",
    "british", "american", "western", "eastern", "world", "international", "national", "general",
    "central", "federal", "senior", "former", "deputy", "chief", "vice", "shadow", "opposition",
    "earlier", "later", "now", "then", "yesterday", "today", "tomorrow", "what", "why", "how",
    "who", "where", "which", "not", "no", "yes", "so", "because", "although", "despite", "under",
    "over", "about", "between", "against", "during", "without", "within", "would", "could",
    "should", "will", "can", "must", "said", "says", "according", "analysts", "officials",
    "economy", "market", "markets", "oil", "gas", "trade", "tax", "budget", "bank", "plan", "deal",
    "talks", "summit", "war", "peace", "security", "defence", "energy", "union", "congress",
    "parliament", "house", "commons", "lords", "cabinet", "treasury", "mps", "mp", "ceo", "gdp",
    "us", "uk", "eu", "un", "ap", "am", "pm", "tv", "ok", "aids", "hiv", "sars", "bse", "dna",
}
# Regions and other names that are neither states nor actors
REGIONS = {"Africa", "Europe", "Asia", "America", "Americas", "Latin", "Caribbean", "Balkans", "Gulf",
           "Arctic", "Antarctica", "Oceania", "Scandinavia", "Siberia", "Kashmir", "Darfur", "Chechnya",
           "Internet", "Linux", "Windows", "Kyoto", "Christmas", "Ramadan", "Easter", "Muslim", "Muslims",
           "Christian", "Christians", "Jewish", "Arab", "Arabs", "Sunni", "Shia", "Shiite", "Kurdish",
           "Kurds", "English", "Spanish", "Euro", "Dollar", "Sterling", "Olympics", "Mr"}
