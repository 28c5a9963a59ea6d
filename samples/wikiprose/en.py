"""English: invented towns, rivers, species, people and buildings, in the register of an encyclopedia."""

from __future__ import annotations

import random

from wikiprose import Language, Names, Topic, number, ordinal_en, species_name

TOWN_START = ["Ash", "Brack", "Cal", "Dun", "Elm", "Fen", "Gar", "Hal", "Kel", "Lang", "Mar", "Nor", "Oak",
              "Pen", "Rad", "Stan", "Thorn", "Wel", "Wyn", "Brad", "Crow", "Hazel", "Mill", "Sel", "Bram",
              "Chal", "Hart", "Lox", "Quen", "Ster"]  # fmt: skip
TOWN_END = ["bury", "ford", "ton", "ley", "wick", "field", "combe", "ham", "more", "stead", "worth", "bridge",
            "thorpe", "by", "well", "hurst", "den", "minster"]  # fmt: skip
RIVER_START = ["Al", "Bre", "Cor", "Dar", "El", "Fal", "Gil", "Har", "Ist", "Kel", "Lor", "Mer", "Nor", "Ol",
               "Per", "Ros", "Sel", "Tav", "Ur", "Wen", "Bry", "Cam", "Dew", "Tir"]  # fmt: skip
RIVER_END = ["an", "en", "wy", "ow", "ith", "ey", "in", "ell", "ock", "um", "ent", "ose"]
COUNTIES = ["Aldshire", "Brackenshire", "Fernmoor", "Kestrelshire", "Marlowshire", "Thistledown",
            "Westmarch", "Harrowmere", "Oxley Vale", "Greymoor", "Hollinshire", "Redcliffe"]  # fmt: skip
REGIONS = ["the Halden Vale", "the Marren Hills", "the Coldwater Levels", "the Ashdown Wolds",
           "the Fennick Moors", "the Brenn Valley", "the Saltmarsh Coast", "the Tallow Downs"]  # fmt: skip
HILLS = ["Beacon Hill", "Cold Fell", "High Crag", "Windy Knoll", "Hob Moor", "Raven Edge", "Furze Hill",
         "Black Down", "Grey Tor", "Ling Moss"]  # fmt: skip
DIRECTIONS = ["north", "south", "east", "west", "north-east", "north-west", "south-east", "south-west"]
FIRST_M = ["Thomas", "William", "Henry", "Edward", "Arthur", "Walter", "George", "Frederick", "Samuel",
           "Albert", "Hugh", "Robert", "Charles", "Lionel", "Percy", "Stanley", "Ernest", "Alfred"]  # fmt: skip
FIRST_F = ["Margaret", "Eleanor", "Alice", "Edith", "Florence", "Harriet", "Mary", "Agnes", "Beatrice",
           "Dorothy", "Ada", "Winifred", "Clara", "Louisa", "Emily", "Ruth", "Grace", "Maud"]  # fmt: skip
SURNAMES = ["Holloway", "Ashcroft", "Pennington", "Whitlock", "Fairbairn", "Marlowe", "Cartwright", "Ellison",
            "Hargreaves", "Thwaite", "Redmayne", "Ormerod", "Lindley", "Castell", "Brereton", "Kemble",
            "Dunstan", "Farrant", "Gostelow", "Haworth", "Ingram", "Loveday", "Moxon", "Pettifer", "Rowntree",
            "Staveley", "Tuckwell", "Varley", "Wadsworth", "Yelland"]  # fmt: skip
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]  # fmt: skip

INDUSTRIES = [("the wool trade", "wool warehouses"), ("brewing", "brewery"), ("paper making", "paper mill"),
              ("boat building", "boatyards"), ("glove making", "glove factory"), ("tanning", "tannery"),
              ("slate quarrying", "quarry sheds"), ("lace making", "lace factory"), ("the salt trade", "salt works"),
              ("clock making", "clock factory"), ("rope making", "rope walk"), ("brick making", "brickworks")]  # fmt: skip
PRODUCTS = ["cider", "cheese", "honey", "woollen cloth", "pottery", "barley", "timber", "apples", "smoked fish",
            "eggs", "bread", "flowers"]  # fmt: skip
ECONOMY = ["tourism", "light engineering", "food processing", "retail", "logistics", "software development",
           "agriculture", "health care", "education", "printing"]  # fmt: skip
LANDMARKS = ["a medieval market cross", "a fifteenth-century parish church", "the ruins of a Norman castle",
             "a Georgian town hall", "a stone bridge of five arches", "an eighteenth-century coaching inn",
             "a Victorian covered market", "a restored watermill", "a row of timber-framed almshouses",
             "a former grammar school"]  # fmt: skip
FESTIVALS = ["a cheese fair", "a folk music festival", "a regatta on the river", "a midsummer carnival",
             "a ploughing match", "a beer festival", "a book festival", "a lantern procession"]  # fmt: skip
MEANINGS = ["the settlement by the ford", "the clearing in the oak wood", "the farm on the hill",
            "the enclosure by the stream", "the homestead among the reeds", "the meadow by the marsh",
            "the hill of the ash trees", "the landing place of the boats"]  # fmt: skip
SAINTS = [
    "Mary",
    "Andrew",
    "Michael",
    "Peter",
    "Lawrence",
    "Margaret",
    "Giles",
    "Helen",
    "Nicholas",
    "Oswald",
]
EVENTS = ["A great fire", "A severe flood", "An outbreak of plague", "A violent storm"]
LANDSCAPES = ["gently rolling farmland", "open moorland", "flat, drained marshland", "chalk downland",
              "mixed woodland and pasture", "orchards and hop gardens"]  # fmt: skip
SOILS = [("heavy clay", "growing wheat"), ("light and sandy", "growing vegetables"),
         ("thin and stony", "grazing sheep"), ("rich and alluvial", "dairy farming")]  # fmt: skip
FISH = ["brown trout", "grayling", "salmon", "chub", "dace", "pike", "eels", "barbel", "minnows", "perch"]
BIRDS = [
    "kingfishers",
    "dippers",
    "grey herons",
    "grey wagtails",
    "sand martins",
    "mute swans",
    "little egrets",
]
ROCKS = [("limestone", "hard and clear"), ("granite", "soft and slightly acidic"),
         ("sandstone", "brown after rain"), ("chalk", "cold and clear all year")]  # fmt: skip
HABITATS = ["wet meadows", "reed beds", "ancient alder woods", "rare water plants", "gravel banks"]

PROFESSIONS = {
    "painter": {
        "a": "a painter",
        "known": [
            "landscapes of {region}",
            "portraits of working people",
            "large paintings of the sea",
            "quiet still lifes",
        ],
        "school": ["the Royal Academy Schools", "the Slade School of Fine Art", "an art school in {city}"],
        "works": [
            "''The Harbour at Dawn''",
            "''Haymaking near {town}''",
            "''The Flooded Meadow''",
            "''Portrait of the Artist's Mother''",
            "''Winter Light''",
            "''The Ferry''",
        ],
        "thing": "paintings",
        "place": "studio",
        "teacher": "a landscape painter",
        "field": "painting",
    },
    "composer": {
        "a": "a composer",
        "known": ["choral music", "songs for voice and piano", "chamber music", "music for brass bands"],
        "school": [
            "the Royal College of Music",
            "a music college in {city}",
            "the cathedral choir school in {city}",
        ],
        "works": [
            "the ''{region_short} Suite''",
            "a string quartet in A minor",
            "the cantata ''The Lost Village''",
            "a symphony in D",
            "the ''Evening Songs''",
            "a mass for double choir",
        ],
        "thing": "works",
        "place": "music room",
        "teacher": "the cathedral organist",
        "field": "composition",
    },
    "architect": {
        "a": "an architect",
        "known": [
            "churches and schools",
            "railway stations",
            "public libraries",
            "houses in the Arts and Crafts style",
        ],
        "school": [
            "the Architectural Association",
            "the office of a church architect in {city}",
            "a technical college in {city}",
        ],
        "works": [
            "the town hall in {town}",
            "the public library in {town}",
            "a church in {town}",
            "the station at {town}",
            "a school in {town}",
            "the covered market in {town}",
        ],
        "thing": "buildings",
        "place": "office",
        "teacher": "an established church architect",
        "field": "architecture",
    },
    "botanist": {
        "a": "a botanist",
        "known": [
            "the study of mosses",
            "a flora of {region}",
            "research on alpine plants",
            "the classification of grasses",
        ],
        "school": ["the University of {city}", "the botanic garden in {city}"],
        "works": [
            "the ''Flora of {county}''",
            "a handbook of British mosses",
            "a study of sedges",
            "a survey of the plants of {region}",
        ],
        "thing": "publications",
        "place": "herbarium",
        "teacher": "a professor of botany",
        "field": "botany",
    },
    "engineer": {
        "a": "an engineer",
        "known": ["iron bridges", "the water supply of {city}", "harbour works", "early electric lighting"],
        "school": ["a railway workshop in {city}", "the engineering school in {city}"],
        "works": [
            "the bridge over the {river} at {town}",
            "the waterworks of {town}",
            "the harbour at {town}",
            "the viaduct near {town}",
            "a pumping station in {town}",
        ],
        "thing": "projects",
        "place": "drawing office",
        "teacher": "a railway engineer",
        "field": "engineering",
    },
    "novelist": {
        "a": "a novelist",
        "known": ["novels of rural life", "historical novels", "stories for children", "detective fiction"],
        "school": ["the University of {city}", "a teacher training college in {city}"],
        "works": [
            "''The Miller's Daughter''",
            "''A Summer at {town}''",
            "''The Long Road North''",
            "''The Glass Orchard''",
            "''Winter Visitors''",
            "''The Ferryman''",
        ],
        "thing": "books",
        "place": "study",
        "teacher": "a local schoolmaster",
        "field": "writing",
    },
}

SPECIES_GROUPS = {
    "bird": {
        "families": [
            ("Paridae", "tits", [("Parus", 0), ("Poecile", 1), ("Periparus", 0)]),
            ("Turdidae", "thrushes", [("Turdus", 0), ("Zoothera", 1)]),
            ("Sylviidae", "Old World warblers", [("Sylvia", 1), ("Curruca", 1)]),
            ("Fringillidae", "finches", [("Carduelis", 1), ("Serinus", 0)]),
            ("Emberizidae", "buntings", [("Emberiza", 1)]),
        ],
        "noun": "bird",
        "plural": "birds",
        "description": [
            "Adults measure about ${size} centimetres in length and weigh between ${weight} and ${weight2} grams.",
            "The upperparts are ${colour}, while the breast and belly are ${colour2}.",
            "Males and females look alike, but young birds are duller and lack the ${mark}.",
            "The song is a ${song}, usually given from a high perch in the early morning.",
            "In flight it shows a ${mark} that makes it easy to recognise.",
        ],
        "ecology": [
            "It feeds mainly on ${food}, which it searches for among leaves and bark.",
            "In winter it often joins mixed flocks with other small birds.",
            "The nest is built ${nest}, and the female lays ${eggs} eggs.",
            "The eggs are incubated for about ${days} days, and both parents feed the young.",
            "Pairs are strongly territorial during the breeding season, which lasts from April to July.",
        ],
        "food": ["insects and spiders", "seeds and berries", "caterpillars", "beetles and their larvae"],
        "nest": [
            "in a hole in a tree",
            "low in a dense bush",
            "among reeds above the water",
            "on the ground under grass",
        ],
        "size": (11, 24),
        "marks": ["white wing bar", "pale stripe above the eye", "rusty patch", "dark cap"],
    },
    "beetle": {
        "families": [
            ("Carabidae", "ground beetles", [("Carabus", 0), ("Bembidion", 2), ("Pterostichus", 0)]),
            ("Chrysomelidae", "leaf beetles", [("Chrysolina", 1), ("Cassida", 1)]),
            ("Cerambycidae", "longhorn beetles", [("Leptura", 1), ("Rhagium", 2)]),
            ("Curculionidae", "weevils", [("Otiorhynchus", 0), ("Phyllobius", 0)]),
        ],
        "noun": "beetle",
        "plural": "beetles",
        "description": [
            "The body is ${size} millimetres long and ${colour}, with a faint ${colour2} sheen.",
            "The wing cases are marked with fine rows of pits, and the antennae are about half as long as the body.",
            "It can be told apart from related species by the shape of the ${part}.",
            "The legs are long and slender, which makes it a fast runner.",
        ],
        "ecology": [
            "Adults are active mainly at night and hide under stones or bark during the day.",
            "Both the adults and the larvae feed on ${food}.",
            "The larvae develop in ${nest} and take up to two years to mature.",
            "Adults can be found from May to August, most often in ${habitat}.",
        ],
        "food": ["snails and slugs", "the leaves of willows", "decaying wood", "small insects"],
        "nest": ["dead wood", "the soil", "rotting tree stumps", "the roots of grasses"],
        "size": (4, 30),
        "marks": [""],
    },
    "moth": {
        "families": [
            ("Geometridae", "geometer moths", [("Eupithecia", 1), ("Idaea", 1)]),
            ("Noctuidae", "owlet moths", [("Agrotis", 1), ("Xestia", 1)]),
            ("Erebidae", "erebid moths", [("Catocala", 1), ("Arctia", 1)]),
        ],
        "noun": "moth",
        "plural": "moths",
        "description": [
            "The wingspan is ${size} millimetres.",
            "The forewings are ${colour} with a darker ${mark}, and the hindwings are ${colour2}.",
            "At rest the wings are held flat, so that the moth is hard to see against bark or lichen.",
            "Worn specimens can be difficult to separate from related species without examining the genitalia.",
        ],
        "ecology": [
            "The moth flies in one generation from June to August and comes readily to light.",
            "The caterpillars feed on ${food}.",
            "The species overwinters as a pupa in ${nest}.",
            "Adults visit flowers at dusk, especially those of honeysuckle and campion.",
        ],
        "food": ["heather", "the leaves of oak", "low-growing herbs", "grasses", "the flowers of knapweed"],
        "nest": ["the soil", "leaf litter", "a loose cocoon among moss"],
        "size": (14, 48),
        "marks": ["cross-line", "kidney-shaped spot", "central band", "streak near the tip"],
    },
    "plant": {
        "families": [
            ("Ranunculaceae", "buttercup family", [("Ranunculus", 0), ("Anemone", 1)]),
            ("Saxifragaceae", "saxifrage family", [("Saxifraga", 1)]),
            ("Campanulaceae", "bellflower family", [("Campanula", 1), ("Phyteuma", 2)]),
            ("Orchidaceae", "orchid family", [("Orchis", 1), ("Dactylorhiza", 1)]),
        ],
        "noun": "flowering plant",
        "plural": "plants",
        "description": [
            "It is a perennial herb that grows to a height of ${size} centimetres.",
            "The leaves are ${leaf}, and the stems are covered in fine hairs.",
            "The flowers are ${colour} and appear from ${month1} to ${month2}.",
            "Each flower has five petals and numerous stamens.",
            "The fruit is a small capsule containing many tiny seeds.",
        ],
        "ecology": [
            "The flowers are pollinated by ${food}.",
            "It grows best in ${habitat}, often together with other rare species.",
            "The seeds are spread by wind and need a cold winter before they can germinate.",
            "Grazing animals avoid the plant, which is slightly poisonous.",
        ],
        "food": ["bees and hoverflies", "bumblebees", "small flies", "moths at night"],
        "nest": [""],
        "size": (10, 60),
        "marks": [""],
    },
}
COLOURS = ["olive brown", "slate grey", "pale yellow", "dark brown", "reddish brown", "greenish", "buff",
           "deep blue", "creamy white", "black", "bronze green", "violet"]  # fmt: skip
SONGS = ["short, clear whistle", "rapid trill", "series of thin, high notes", "soft warble", "harsh chatter"]
PARTS = ["head", "thorax", "antennae", "wing cases"]
LEAVES = ["deeply lobed", "heart-shaped", "narrow and grass-like", "arranged in a basal rosette"]
SPECIES_HABITATS = ["damp meadows", "limestone grassland", "old woodland", "mountain screes", "coastal dunes",
                    "the margins of ponds", "heaths and moors", "rocky slopes"]  # fmt: skip
STATUS = ["Least Concern", "Near Threatened", "Vulnerable", "Endangered"]
EPITHETS = ["montan", "silvestr*", "palustr*", "minor#", "ochrace", "rufescens#", "alpin", "boreal*", "obscur",
            "variegat", "fusc", "pallid", "oriental*", "maculat", "nigr", "virescens#", "tenu", "caerule",
            "lacustr*", "septentrional*", "rupestr*", "hirsut", "gracil*", "elegans#"]  # fmt: skip

# kind: (title, noun, what it is, an old foundation?, damage, history, architecture, present day)
BUILDINGS = {
    "church": (
        "St {saint}'s Church, {town}",
        "church",
        "a parish church",
        True,
        "fire",
        [
            "The church was declared redundant in ${closed} and passed to a trust for the care of old churches.",
            "The tower was heightened in the fifteenth century, when a peal of bells was installed.",
        ],
        [
            "The church is built of ${material} and has a ${spire} about ${height} metres high.",
            "Inside, the nave is separated from the aisles by arcades of ${arches} bays.",
            "The east window contains stained glass made in the ${glass_decade}.",
            "The font is older than the present building and may date from the twelfth century.",
        ],
        [
            "The church is still used for worship and is open to visitors during the day.",
            "Concerts are held in the church during the summer months.",
        ],
    ),
    "town hall": (
        "{town} Town Hall",
        "town hall",
        "a municipal building",
        False,
        "fire",
        [
            "The council moved its offices to a new building in ${closed}, and the hall was let to local societies.",
            "A clock, paid for by public subscription, was added to the tower in ${clock_year}.",
        ],
        [
            "The hall is a ${storeys}-storey building of ${material} with a clock tower over the main entrance.",
            "The ground floor originally held a covered market, with the council chamber above.",
            "The main front has ${arches} tall round-headed windows on the first floor.",
            "The council chamber keeps its original panelling and a painted ceiling.",
        ],
        [
            "The building remains the seat of the town council, and its main hall can be hired for weddings and concerts.",
            "A small exhibition on the ground floor describes the history of [[${town}]].",
        ],
    ),
    "bridge": (
        "{town} Bridge",
        "bridge",
        "a road bridge",
        False,
        "a flood",
        [
            "Tolls were charged to cross the bridge until ${closed_toll}, when the county bought it from its owners.",
            "The bridge was widened on its downstream side to carry heavier traffic.",
        ],
        [
            "The bridge has ${arches} arches and a total length of about ${span} metres.",
            "It carries the ${road} road over the River ${river}.",
            "The piers are protected by pointed cutwaters that break the force of floodwater.",
            "The parapets were rebuilt in the twentieth century with stone from the same quarry.",
        ],
        [
            "The bridge was strengthened in ${restored} so that it could carry modern traffic.",
            "A footbridge was built beside it in the 1990s for pedestrians and cyclists.",
        ],
    ),
    "castle": (
        "{town} Castle",
        "castle",
        "a ruined castle",
        True,
        "a siege",
        [
            "The castle was besieged during the civil war of the seventeenth century and afterwards partly demolished.",
            "Stone from the ruined walls was taken by local people to build houses in [[${town}]].",
        ],
        [
            "The castle stands on a rocky spur above the River ${river}.",
            "Of the original buildings, the keep and parts of the curtain wall survive.",
            "The gatehouse, with its two round towers, was added in the ${century} century.",
            "The keep is about ${height} metres high and has walls more than three metres thick.",
        ],
        [
            "The ruins are in the care of a heritage trust and are open to the public.",
            "Open-air plays are performed in the castle grounds in the summer.",
        ],
    ),
    "windmill": (
        "{town} Windmill",
        "windmill",
        "a tower windmill",
        False,
        "a storm",
        [
            "The mill stopped working in ${closed}, after its sails were damaged in a gale.",
            "For a time the mill was driven by a steam engine when the wind was too light.",
        ],
        [
            "The mill is a tower of ${material}, ${height} metres high, with a cap that turned to face the wind.",
            "It had four sails and drove three pairs of millstones.",
            "The cap is shaped like a boat and is turned by a fantail.",
        ],
        [
            "The sails were replaced in ${restored}, and the mill grinds flour on open days.",
            "The mill is open to visitors on summer weekends.",
        ],
    ),
    "station": (
        "{town} railway station",
        "station",
        "a railway station",
        False,
        "fire",
        [
            "The goods yard closed in ${closed}, and its site is now a car park.",
            "The station was opened by a local railway company that was later absorbed by a larger one.",
        ],
        [
            "The station building is a single-storey structure of ${material} with a canopy over the platform.",
            "A goods shed and a signal box stood to the ${dir} of the station.",
            "The canopy rests on cast-iron columns with decorated brackets.",
        ],
        [
            "Trains still call at the station, although part of the building is now a café.",
            "Volunteers look after the gardens on the platforms.",
        ],
    ),
    "library": (
        "{town} Public Library",
        "library",
        "a public library",
        False,
        "fire",
        [
            "The cost of the building was met partly by a gift from a local mill owner.",
            "A children's library was added in ${clock_year}.",
        ],
        [
            "The library is a building of ${material} with a domed reading room lit from above.",
            "Above the entrance is a carved panel with the arms of the town.",
            "The reading room keeps its original oak shelves and a gallery reached by a spiral stair.",
        ],
        [
            "The library still lends books and also offers computers and a local studies room.",
            "Reading groups and classes for adults meet in the building every week.",
        ],
    ),
    "lighthouse": (
        "{town} Lighthouse",
        "lighthouse",
        "a lighthouse",
        False,
        "a storm",
        [
            "The light was automated in ${closed}, and the last keepers left the station.",
            "A fog signal was added in ${clock_year}.",
        ],
        [
            "The tower is ${height} metres high and built of ${material}.",
            "Its light could be seen up to ${range} nautical miles out to sea.",
            "The keepers lived in a row of cottages at the foot of the tower.",
        ],
        [
            "The keepers' cottages are now holiday homes, and the tower can be climbed in summer.",
            "The light is still in use and is monitored from a control centre far away.",
        ],
    ),
}
STYLES = ["Gothic Revival", "Romanesque", "Neoclassical", "Baroque", "Arts and Crafts", "Italianate",
          "Art Deco", "Perpendicular Gothic"]  # fmt: skip
MATERIALS = ["local limestone", "red brick", "granite", "yellow sandstone", "flint with stone dressings",
             "brick and terracotta", "dressed ashlar"]  # fmt: skip


def language() -> Language:
    names = Names(random.Random(0))

    def town(rng: random.Random, unique: bool = False) -> str:
        return names.make(lambda: rng.choice(TOWN_START) + rng.choice(TOWN_END), unique)

    def river(rng: random.Random, unique: bool = False) -> str:
        return names.make(lambda: rng.choice(RIVER_START) + rng.choice(RIVER_END), unique)

    def person_name(rng: random.Random, gender: int) -> str:
        return f"{rng.choice(FIRST_F if gender else FIRST_M)} {rng.choice(SURNAMES)}"

    def common(rng: random.Random) -> dict:
        county = rng.choice(COUNTIES)
        region = rng.choice(REGIONS)
        return {
            "county": county, "region": region, "region_short": region.replace("the ", ""),
            "city": town(rng), "city2": town(rng), "dir": rng.choice(DIRECTIONS), "dir2": rng.choice(DIRECTIONS),
            "gender": 0,
        }  # fmt: skip

    def make_town(rng: random.Random) -> dict:
        name = town(rng, unique=True)
        (industry, works), (industry2, _) = rng.sample(INDUSTRIES, 2)
        econ, econ2 = rng.sample(ECONOMY, 2)
        product, product2 = rng.sample(PRODUCTS, 2)
        landmark, landmark2 = rng.sample(LANDMARKS, 2)
        soil, crop = rng.choice(SOILS)
        founded = rng.randint(1150, 1420)
        c = common(rng)
        c.update({
            "title": name, "name": name, "slug": name.lower(), "river": river(rng),
            "pop": number(population := rng.randint(900, 48000), "en"), "popyear": rng.choice([2011, 2021]),
            "dist": rng.randint(6, 45), "elev": rng.randint(5, 380), "bank": rng.choice(["north", "south", "east", "west"]),
            "meaning": rng.choice(MEANINGS), "early_year": rng.randint(960, 1086),
            "early_century": ordinal_en(rng.randint(8, 11)), "charter": founded,
            "weekday": rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]),
            "century": ordinal_en(rng.randint(14, 18)), "industry": industry, "industry2": industry2, "works": works,
            "event": rng.choice(EVENTS), "event_year": rng.randint(1540, 1790),
            "railway": f"the {rng.choice(REGIONS).replace('the ', '')} Railway", "rail_year": rng.randint(1838, 1885),
            "landscape": rng.choice(LANDSCAPES), "bridges": rng.choice(["two", "three", "four"]),
            "bridge_century": ordinal_en(rng.randint(13, 18)), "soil": soil, "crop": crop, "hill": rng.choice(HILLS),
            "hill_height": rng.randint(180, 620), "flood_year": rng.randint(1890, 2015),
            "econ": econ, "econ2": econ2, "product": product, "product2": product2,
            "firms": rng.randint(20, 140), "minutes": rng.randint(15, 55), "trail": f"{c['region_short']} Way",
            "saint": rng.choice(SAINTS), "spire": rng.choice(["spire", "west tower"]), "bells": rng.choice(["six", "eight", "ten"]),
            "landmark": landmark, "landmark2": landmark2,
            "museum_building": rng.choice(["corn exchange", "chapel", "school", "warehouse", "police station"]),
            "month": rng.choice(MONTHS), "festival": rng.choice(FESTIVALS),
            "paper": rng.choice(["Gazette", "Courier", "Advertiser", "Chronicle", "Herald"]),
            "paper_year": rng.randint(1840, 1905), "freq": rng.choice([20, 30, 60]), "closed_year": rng.randint(1952, 1968),
            "road": f"A{rng.randint(30, 690)}", "bypass_year": rng.randint(1968, 2010),
            "category": "Towns in ${county}",
            "infobox": f"{{{{Infobox settlement\n| name = {name}\n| population = {population}\n"
                       f"| county = {c['county']}\n}}}}",
        })  # fmt: skip
        return c

    def make_river(rng: random.Random) -> dict:
        name = river(rng, unique=True)
        rock, quality = rng.choice(ROCKS)
        fish = rng.sample(FISH, 3)
        birds = rng.sample(BIRDS, 2)
        tribs = [name]
        while len(set(tribs)) < 3 or name in tribs:  # three different tributaries, none of the river's name
            tribs = [rng.choice(RIVER_START) + rng.choice(RIVER_END) for _ in range(3)]
        c = common(rng)
        c.update({
            "title": f"River {name}", "name": name, "slug": name.lower(), "source": rng.choice(HILLS),
            "mouth": river(rng), "length": (length := rng.randint(12, 140)), "area": number(length * rng.randint(4, 14), "en"),
            "town1": town(rng), "town2": town(rng), "town3": town(rng), "trib1": tribs[0], "trib2": tribs[1],
            "trib3": tribs[2], "src_elev": rng.randint(220, 640), "mouth_elev": rng.randint(2, 120),
            "flow": f"{rng.randint(1, 30)}.{rng.randint(1, 9)}", "rise": rng.randint(2, 5),
            "flood_year": rng.randint(1894, 2016), "rock": rock, "water_quality": quality,
            "mills": rng.randint(4, 30), "nav_end": rng.randint(1880, 1935), "reservoir_year": rng.randint(1890, 1975),
            "fish1": fish[0], "fish2": fish[1], "fish3": fish[2], "birds1": birds[0], "birds2": birds[1],
            "otter_decade": rng.choice(["1990s", "2000s", "2010s"]), "habitat": rng.choice(HABITATS),
            "valley_feature": rng.choice(["water meadows", "old mills", "orchards", "limestone gorges"]),
            "category": "Rivers of ${county}",
            "infobox": f"{{{{Infobox river\n| name = River {name}\n| length = {{{{convert|{length}|km}}}}\n}}}}",
        })  # fmt: skip
        return c

    def make_species(rng: random.Random) -> dict:
        kind = rng.choice(list(SPECIES_GROUPS))
        group = SPECIES_GROUPS[kind]
        family, family_common, genus, describer, binomial = species_name(
            rng, names, group["families"], EPITHETS, SURNAMES
        )
        low, high = group["size"]
        size = rng.randint(low, high)
        colour, colour2 = rng.sample(COLOURS, 2)
        month1 = rng.randint(2, 7)
        c = common(rng)
        c.update({
            "title": binomial, "binomial": binomial, "slug": binomial.lower().replace(" ", "-"), "genus": genus,
            "family": family, "family_common": family_common, "noun": group["noun"], "plural": group["plural"],
            "describer": describer, "described": (described := rng.randint(1758, 1935)), "size": f"{size}–{size + rng.randint(2, 6)}",
            "weight": rng.randint(8, 20), "weight2": rng.randint(21, 60), "colour": colour, "colour2": colour2,
            "mark": rng.choice(group["marks"]), "song": rng.choice(SONGS), "food": rng.choice(group["food"]),
            "nest": rng.choice(group["nest"]), "eggs": rng.choice(["three to five", "four to seven", "five or six"]),
            "days": rng.randint(11, 16), "part": rng.choice(PARTS), "leaf": rng.choice(LEAVES),
            "month1": MONTHS[month1], "month2": MONTHS[month1 + rng.randint(1, 3)],
            "habitat": rng.choice(SPECIES_HABITATS), "habitat2": rng.choice(SPECIES_HABITATS),
            "status": rng.choice(STATUS), "altitude": number(rng.randint(300, 2200), "en"), "group": kind,
            "category": f"{group['plural'].capitalize()} described in ${{described}}",
            "infobox": f"{{{{Speciesbox\n| genus = {genus}\n| species = {binomial.split()[1]}\n"
                       f"| authority = {describer}, {described}\n}}}}",
            "description": group["description"], "ecology": group["ecology"],
        })  # fmt: skip
        return c

    def make_person(rng: random.Random) -> dict:
        gender = rng.randint(0, 1)
        full = names.make(lambda: person_name(rng, gender))
        profession = rng.choice(list(PROFESSIONS))
        p = PROFESSIONS[profession]
        born = rng.randint(1790, 1925)
        died = born + rng.randint(48, 92)
        c = common(rng)
        places = {"region": c["region"], "city": c["city"], "town": town(rng),
                  "county": c["county"], "region_short": c["region_short"], "river": river(rng)}  # fmt: skip
        works = [w.format(**places) for w in rng.sample(p["works"], 3)]
        c.update({
            "title": full, "full": full, "first": full.split()[0], "last": full.split()[1], "gender": gender,
            "slug": full.lower().replace(" ", "-"), "a_prof": p["a"], "prof": profession,
            "known": rng.choice(p["known"]).format(**places), "school": rng.choice(p["school"]).format(**places),
            "work1": works[0], "work2": works[1], "work3": works[2], "thing": p["thing"], "place": p["place"],
            "teacher": p["teacher"], "field": p["field"], "teacher_name": person_name(rng, rng.randint(0, 1)),
            "birth": f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {born}", "born": born,
            "death": f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {died}", "died": died,
            "birthplace": town(rng), "deathplace": rng.choice([town(rng), c["city"]]),
            "parent_job": rng.choice(["schoolteacher", "farmer", "miller", "clergyman", "shopkeeper", "doctor",
                                      "railway clerk", "carpenter"]),
            "siblings": rng.choice(["three", "four", "five", "six", "seven"]),
            "ordinal": rng.choice(["eldest", "second", "third", "youngest"]),
            "move_year": born + rng.randint(17, 24), "first_year": born + rng.randint(24, 32),
            "peak_year": born + rng.randint(33, 45), "late_year": min(born + rng.randint(46, 60), died - 1),
            "spouse": person_name(rng, 1 - gender), "marry_year": born + rng.randint(23, 35),
            "children": rng.choice(["two children", "three children", "a son", "a daughter", "no children"]),
            "society": rng.choice(["a local history society", "the county archaeological society",
                                   "a society for the protection of old buildings", "the town council"]),
            "exhibit_year": min(died + rng.randint(5, 60), 2021),
            "category": f"{profession.capitalize()}s from ${{county}}",
        })  # fmt: skip
        return c

    def make_building(rng: random.Random) -> dict:
        kind = rng.choice(list(BUILDINGS))
        pattern, thing, what, old, damage, history, architecture, present = BUILDINGS[kind]
        chosen: dict[str, str] = {}

        def title_of() -> str:
            chosen.update(town=town(rng), saint=rng.choice(SAINTS))
            return pattern.format(**chosen)

        title = names.make(title_of)
        place, saint = chosen["town"], chosen["saint"]
        built = rng.randint(1180, 1480) if old else rng.randint(1760, 1925)
        damaged = min(built + rng.randint(15, 140), 1975)
        closed = rng.randint(max(damaged + 5, 1930), 1985)
        restored = rng.randint(closed + 5, 2015)
        c = common(rng)
        c.update({
            "title": title, "slug": title.lower().replace(" ", "-").replace("'", "").replace(",", ""),
            "thing": thing, "what": what, "town": place, "saint": saint, "built": built, "damage": damage,
            "damaged": damaged, "rebuilt": damaged + rng.randint(1, 4), "closed": closed, "restored": restored,
            "restored_end": restored + rng.randint(2, 6), "closed_toll": min(built + rng.randint(10, 60), max(built + 5, 1925)),
            "clock_year": rng.randint(max(built, 1850), 1930),
            "architect": person_name(rng, 0), "style": rng.choice(STYLES), "material": rng.choice(MATERIALS),
            "cost": number(rng.randint(2, 90) * 1000, "en"), "height": rng.randint(12, 58),
            "span": rng.randint(18, 120), "arches": rng.choice(["three", "five", "seven"]),
            "storeys": rng.choice(["two", "three"]), "range": rng.randint(12, 24), "river": river(rng),
            "road": f"A{rng.randint(30, 690)}", "glass_decade": rng.choice(["1860s", "1880s", "1890s", "1920s"]),
            "spire": rng.choice(["spire", "west tower"]), "listed": rng.choice(["Grade I", "Grade II", "Grade II*"]),
            "listed_year": rng.randint(1950, 1995), "century": ordinal_en(rng.randint(13, 15)),
            "history": [
                "The first ${thing} on the site was built in ${built}, replacing an older structure.",
                "The ${thing} was designed by ${architect} and cost £${cost}.",
                "It was badly damaged by ${damage} in ${damaged} and repaired in ${rebuilt}.",
                *history,
                "A local trust was formed to look after it, and it was restored between ${restored} and ${restored_end}.",
            ],
            "architecture": [*architecture, "It was designated a ${listed} listed building in ${listed_year}."],
            "present": present,
            "category": f"{thing.capitalize()}s in ${{county}}",
        })  # fmt: skip
        c["infobox"] = f"{{{{Infobox building\n| name = {title}\n| completion_date = {built}\n}}}}"
        return c

    town_topic = Topic(
        make=make_town,
        lead=[
            "'''${name}''' is a market town in ${county}, on the ${bank} bank of the [[River ${river}]].",
            "'''${name}''' is a small town and [[civil parish]] in ${region}, about ${dist} kilometres ${dir} of [[${city}]].",
            "'''${name}''' is a town in the county of ${county}, lying where the [[River ${river}]] leaves ${region}.",
        ],
        lead_more=[
            "It had a population of ${pop} at the ${popyear} census.",
            "The town grew up around a crossing of the river and was for centuries a centre of ${industry}.",
            "It lies ${dist} kilometres ${dir} of the city of [[${city}]].",
            "Its historic centre, with ${landmark}, is a [[conservation area]].",
        ],
        sections=[
            (
                "History",
                [
                    'The name is thought to come from Old English words meaning "${meaning}".',
                    "The place is first recorded in ${early_year}, when it belonged to a small [[manor]] held by the Crown.",
                    "A settlement already existed on the site by the ${early_century} century, when a wooden church was built near the river.",
                    "In ${charter} the town received a [[market charter]] allowing a weekly market on ${weekday}s.",
                    "During the ${century} century ${name} prospered from ${industry}, and many of the stone houses in the centre date from this period.",
                    "${event} in ${event_year} destroyed a large part of the old town, which was afterwards rebuilt in brick.",
                    "The arrival of ${railway} in ${rail_year} brought new trade, and the population doubled within thirty years.",
                    "After the decline of ${industry2} in the early twentieth century, many families left to look for work in [[${city}]].",
                    [
                        "During the [[Second World War]] the town received several hundred children evacuated from the cities.",
                        "An airfield was built on the farmland ${dir2} of the town during the [[Second World War]].",
                    ],
                    "Since the 1970s new housing has been built on the edges of the town, and its population has grown steadily.",
                ],
                3,
                6,
            ),
            (
                "Geography",
                [
                    "${name} stands at an elevation of about ${elev} metres on the ${bank} bank of the River ${river}.",
                    "The surrounding countryside is mainly ${landscape}, with scattered farms and small woods.",
                    "The river is crossed in the town by ${bridges} bridges, the oldest of which dates from the ${bridge_century} century.",
                    "The soil around the town is ${soil}, which made the area well suited to ${crop}.",
                    "To the ${dir2} of the town rises ${hill}, which reaches a height of ${hill_height} metres.",
                    "The climate is mild and damp, and most of the rain falls between October and January.",
                    "Flooding has been a recurring problem, and embankments were raised along the river after the floods of ${flood_year}.",
                ],
                2,
                4,
            ),
            (
                "Economy",
                [
                    "Today the largest employers in ${name} are in ${econ} and ${econ2}.",
                    "A weekly market is still held in the square, where local producers sell ${product} and ${product2}.",
                    "The buildings of the former ${works} near the river have been converted into flats and workshops.",
                    "An industrial estate on the edge of the town houses about ${firms} small businesses.",
                    "Many residents commute to [[${city}]], which can be reached in about ${minutes} minutes by car.",
                    "Tourism has grown since the 1990s, helped by the ${trail}, a long-distance footpath that passes through the town.",
                ],
                2,
                4,
            ),
            (
                "Landmarks and culture",
                [
                    "The parish church of [[St ${saint}'s Church, ${name}|St ${saint}]] has a tall ${spire} and a ring of ${bells} bells.",
                    "Other notable buildings include ${landmark} and ${landmark2}.",
                    "The town museum, housed in a former ${museum_building}, tells the story of ${industry} in the town.",
                    "Every ${month} the town holds ${festival}, which attracts visitors from across the region.",
                    "${name} has a football club, a cricket club and a rowing club on the river.",
                    "The local newspaper, the ''${name} ${paper}'', was founded in ${paper_year}.",
                ],
                2,
                4,
            ),
            (
                "Transport",
                [
                    [
                        "${name} railway station is on the line between [[${city}]] and [[${city2}]], with trains every ${freq} minutes.",
                        "The railway station closed in ${closed_year}, and the nearest station is now at [[${city}]].",
                    ],
                    "The ${road} road passes through the town, which has had a bypass since ${bypass_year}.",
                    "Bus services link the town with the surrounding villages and with [[${city}]].",
                    "The river was navigable as far as ${name} until the nineteenth century, and barges carried ${product} downstream.",
                ],
                1,
                3,
            ),
        ],
        see_also=["List of towns in ${county}", "River ${river}", "${region_short}"],
        citations=["en-transit"],
    )

    river_topic = Topic(
        make=make_river,
        lead=[
            "The '''River ${name}''' is a river in ${county} that rises on ${source} and flows ${dir} for about ${length} kilometres to join the [[River ${mouth}]] near [[${town1}]].",
            "The '''${name}''' is a river of ${region}, about ${length} kilometres long, and a [[tributary]] of the [[River ${mouth}]].",
            "The '''River ${name}''' is a ${length}-kilometre river in ${county}, known for the ${valley_feature} of its valley.",
        ],
        lead_more=[
            "Its [[drainage basin]] covers about ${area} square kilometres.",
            "The river gives its name to the ${name} Valley, which is known for its ${valley_feature}.",
            "Along its course it passes the towns of [[${town2}]] and [[${town3}]].",
        ],
        sections=[
            (
                "Course",
                [
                    "The ${name} rises at a height of about ${src_elev} metres in boggy ground on ${source}.",
                    "In its upper course the river runs quickly through a narrow, wooded valley, where it is joined by the ${trib1}.",
                    "Below [[${town2}]] the valley widens and the river begins to meander across broad water meadows.",
                    "It passes [[${town3}]], where it is crossed by a medieval bridge of several arches.",
                    "Its main tributaries are the ${trib1}, the ${trib2} and the ${trib3}.",
                    "The ${name} flows into the ${mouth} at a height of about ${mouth_elev} metres.",
                ],
                3,
                5,
            ),
            (
                "Hydrology",
                [
                    "The mean flow at the gauging station at [[${town2}]] is about ${flow} cubic metres per second.",
                    "The flow varies strongly with the seasons, and the river can rise by more than ${rise} metres after heavy rain.",
                    "The river has flooded [[${town2}]] several times, most severely in ${flood_year}.",
                    "Because much of the catchment lies on ${rock}, the water is ${water_quality}.",
                    "The water is generally of good quality, although farming in the lower valley adds nitrates.",
                ],
                2,
                3,
            ),
            (
                "History",
                [
                    "In the Middle Ages the ${name} drove at least ${mills} [[watermill]]s, which ground corn and later fulled cloth.",
                    "Several weirs were built in the eighteenth century to make the lower river navigable for barges.",
                    "The last commercial boat traffic on the river ended in ${nav_end}.",
                    "Some of the old mills have been restored, and one of them still produces flour for sale.",
                    "In ${reservoir_year} a reservoir was built in the upper valley to supply drinking water to [[${city}]].",
                ],
                2,
                4,
            ),
            (
                "Wildlife",
                [
                    "The ${name} supports populations of ${fish1}, ${fish2} and ${fish3}.",
                    "${birds1} and ${birds2} are regularly seen along its banks.",
                    "[[Otter]]s returned to the river in the ${otter_decade} after an absence of several decades.",
                    "Parts of the valley are protected as a nature reserve because of their ${habitat}.",
                    "Volunteers from a local angling club remove litter and record the water quality each spring.",
                ],
                2,
                4,
            ),
            (
                "Recreation",
                [
                    "A footpath follows the river for most of its length.",
                    "The river is popular with anglers and, in its lower reaches, with canoeists.",
                    "A riverside park in [[${town2}]] was laid out on the site of a former gasworks.",
                ],
                1,
                2,
            ),
        ],
        see_also=["List of rivers of ${county}", "River ${mouth}"],
        citations=["en-rivers"],
    )

    species_topic = Topic(
        make=make_species,
        lead=[
            "'''''${binomial}''''' is a species of ${noun} in the family [[${family}]], the ${family_common}.",
            "'''''${binomial}''''' is a ${noun} of the family [[${family}]], found in ${habitat} in ${region}.",
        ],
        lead_more=[
            "The species was first described by the naturalist ${describer} in ${described}.",
            "It is threatened by the loss of its habitat and is listed as ${status} by the [[IUCN]].",
            "It is one of the less well known members of the genus ''[[${genus}]]''.",
        ],
        sections=[
            (
                "Taxonomy",
                [
                    "The species was described in ${described} by ${describer}, from specimens collected near [[${city}]].",
                    "The [[type specimen]] is kept in the natural history museum in [[${city}]].",
                    "Some authors have treated it as a [[subspecies]] of a more widespread relative, but studies of its DNA support its status as a separate species.",
                    "No subspecies are currently recognised.",
                ],
                1,
                3,
            ),
            ("Description", "@description", 2, 4),
            (
                "Distribution and habitat",
                [
                    "The species occurs throughout ${region}, at altitudes of up to ${altitude} metres.",
                    "It is most common in ${habitat}, but it is also found in ${habitat2}.",
                    "Isolated populations are known from ${county}, where it was discovered only in the twentieth century.",
                    "Its range appears to have moved northwards in recent decades, possibly as a result of warmer summers.",
                ],
                2,
                3,
            ),
            ("Ecology", "@ecology", 2, 3),
            (
                "Conservation",
                [
                    "The [[IUCN]] lists the species as ${status}.",
                    "It is threatened locally by the drainage of wetlands and the loss of old trees.",
                    "Surveys by volunteers since the 1980s have shown a slow decline in its numbers.",
                    "Part of its habitat is protected in a nature reserve near [[${city2}]].",
                ],
                1,
                3,
            ),
        ],
        see_also=["List of ${plural} of ${region}", "${family}"],
        citations=["en-birdwatching", "en-beekeeping"],
    )

    person_topic = Topic(
        make=make_person,
        lead=[
            "'''${full}''' (${birth} – ${death}) was ${a_prof} known for ${known}.",
            "'''${full}''' (born in [[${birthplace}]], ${birth}; died ${death}) was ${a_prof} from ${county}.",
            "'''${full}''' (${born}–${died}) was ${a_prof} who worked for most of ⟨his|her⟩ life in [[${city}]].",
        ],
        lead_more=[
            "⟨He|She⟩ is best remembered for ${work1}.",
            "⟨His|Her⟩ work is known above all for ${known}.",
            "⟨He|She⟩ was one of the founders of ${society}.",
        ],
        sections=[
            (
                "Early life",
                [
                    "${first} was born in [[${birthplace}]], the ${ordinal} of ${siblings} children of a ${parent_job}.",
                    "⟨He|She⟩ was educated at the local grammar school, where a teacher encouraged ⟨his|her⟩ interest in ${field}.",
                    "In ${move_year} ⟨he|she⟩ moved to [[${city}]] to study at ${school}.",
                    "There ⟨he|she⟩ met ${teacher_name}, ${teacher}, who remained a lifelong friend.",
                    "Money was short, and ⟨he|she⟩ supported ⟨himself|herself⟩ by giving lessons and by working as a clerk.",
                ],
                2,
                4,
            ),
            (
                "Career",
                [
                    "${last}'s first important work was ${work1}, completed in ${first_year}.",
                    "Early success brought ⟨him|her⟩ commissions from across ${county}.",
                    "In ${peak_year} ⟨he|she⟩ opened ⟨his|her⟩ own ${place} in [[${city}]], which ⟨he|she⟩ ran for more than twenty years.",
                    "Among ⟨his|her⟩ best-known ${thing} of this period are ${work2} and ${work3}.",
                    "Critics praised the simplicity of ⟨his|her⟩ work and its close attention to ordinary life.",
                    "⟨He|She⟩ also wrote regularly for local newspapers and gave public lectures on ${field}.",
                    "By ${late_year} ⟨his|her⟩ reputation had spread well beyond ${region}.",
                ],
                3,
                5,
            ),
            (
                "Personal life",
                [
                    "In ${marry_year} ⟨he|she⟩ married ${spouse}, with whom ⟨he|she⟩ had ${children}.",
                    "⟨He|She⟩ was a keen walker and spent many summers in ${region}.",
                    "⟨He|She⟩ died in [[${deathplace}]] in ${died} and is buried in the churchyard there.",
                    "⟨His|Her⟩ papers and notebooks are kept in the county record office of ${county}.",
                ],
                1,
                3,
            ),
            (
                "Legacy",
                [
                    "A retrospective exhibition of ⟨his|her⟩ work was held in [[${city}]] in ${exhibit_year}.",
                    "A street in [[${birthplace}]] is named after ⟨him|her⟩.",
                    "⟨His|Her⟩ reputation declined after ⟨his|her⟩ death but has revived since the 1980s.",
                    "A blue plaque marks the house in [[${city}]] where ⟨he|she⟩ lived.",
                ],
                1,
                2,
            ),
        ],
        see_also=["List of ${prof}s from ${county}"],
        citations=["en-radio"],
    )

    building_topic = Topic(
        make=make_building,
        lead=[
            "'''${title}''' is ${what} in the town of [[${town}]] in ${county}.",
            "'''${title}''' is ${what} in [[${town}]], built in ${built}.",
        ],
        lead_more=[
            "It is a ${listed} [[listed building]].",
            "It was designed by the architect ${architect}.",
            "The ${thing} is one of the best-known landmarks of ${region}.",
        ],
        sections=[
            ("History", "@history", 3, 5),
            ("Architecture", "@architecture", 2, 4),
            ("Present day", "@present", 1, 2),
        ],
        see_also=["List of ${thing}s in ${county}", "${town}"],
        citations=["en-lighthouse", "en-bridges", "en-library"],
    )
    return Language(
        code="en",
        topics={
            "town": town_topic,
            "river": river_topic,
            "species": species_topic,
            "person": person_topic,
            "building": building_topic,
        },
        see_also="See also",
        references="References",
        further="External links",
        category="Category",
        file="File",
        thumb="thumb",
        ref_titles=[
            "A history of ${title}",
            "Notes on ${title}",
            "${county} survey",
            "Guide to ${region_short}",
            "The ${county} gazetteer",
            "Records of ${county}",
        ],
        publishers=[
            "County Record Office",
            "Local History Society",
            "Regional Archive",
            "Field Studies Trust",
            "Museum of Rural Life",
        ],
        cite="{{cite web |url=${url} |title=${title} |publisher=${publisher} |year=${year}}}",
        accessed="Retrieved",
    )
