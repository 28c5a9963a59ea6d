"""Français : communes, rivières, espèces, personnes et édifices imaginaires, dans le ton d'une encyclopédie."""

from __future__ import annotations

import random

from wikiprose import Language, Names, Topic, number, roman, species_name

TOWN_BASES = ["Vauclair", "Beaumont", "Montfort", "Rochefort", "Chanteloup", "Bellerive", "Fontenay", "Villemur",
              "Saint-Aubin", "Saint-Rémy", "Saint-Julien", "Sainte-Colombe", "Mesnil", "Champfleury", "Boisvert",
              "Malval", "Pontgibaud", "Roquebrune", "Sauveterre", "Villefranche", "Castelnau", "Montclar",
              "Neuvy", "Courtenay"]  # fmt: skip
TOWN_SUFFIXES = ["", "", "-le-Château", "-la-Forêt", "-les-Bains", "-le-Vieux", "-en-Bocage", "-sur-{river}"]
RIVERS = ["Lère", "Vionne", "Sorgne", "Carsonne", "Maudre", "Torgue", "Véronne", "Bradonne", "Faulde",
          "Sarvonne", "Tardière", "Coulonne", "Dorvane", "Rivelle", "Bénonne", "Saulde", "Gravonne", "Mézonne",
          "Liverne", "Séronne"]  # fmt: skip
RIVER_START = ["Vi", "Sor", "Car", "Mau", "Tor", "Vér", "Brad", "Faul", "Sarv", "Tard", "Coul", "Dorv", "Riv",
               "Bén", "Saul", "Grav", "Méz", "Liv", "Lauz", "Berg"]  # fmt: skip
RIVER_END = ["onne", "ène", "elle", "ane", "ière", "ette", "ouze", "ance", "ine", "aine"]
MAIN_RIVERS = ["Marve", "Sorde", "Trève", "Dorne", "Garenne", "Vaulde"]
# (name, "du département" + it, "dans" + it)
DEPARTMENTS = [("Haute-Marve", "de la Haute-Marve"), ("Val-de-Sorde", "du Val-de-Sorde"),
               ("Monts-du-Levant", "des Monts-du-Levant"), ("Bas-Dorne", "du Bas-Dorne"),
               ("Trève-et-Lère", "de Trève-et-Lère"), ("Côtes-de-Garenne", "des Côtes-de-Garenne")]  # fmt: skip
# (nominative, "dans" + it)
PAYS = [("le Bocage", "dans le Bocage"), ("la plaine de la Marve", "dans la plaine de la Marve"),
        ("le plateau des Landes Hautes", "sur le plateau des Landes Hautes"),
        ("les monts du Levant", "dans les monts du Levant"), ("la vallée de la Sorde", "dans la vallée de la Sorde"),
        ("le pays de Vaulde", "dans le pays de Vaulde")]  # fmt: skip
HILLS = ["mont Charvet", "puy de la Croix", "mont Aigu", "signal de Bel-Air", "puy Ferrand", "mont Roux",
         "mont Gerbier", "puy de Lachamp"]  # fmt: skip
DIRECTIONS = [
    "au nord",
    "au sud",
    "à l'est",
    "à l'ouest",
    "au nord-est",
    "au nord-ouest",
    "au sud-est",
    "au sud-ouest",
]
FIRST_M = ["Jean", "Pierre", "Louis", "Henri", "Émile", "Auguste", "Paul", "Charles", "Jules", "Gustave",
           "Eugène", "Victor", "Marcel", "Lucien", "Gaston", "Albert"]  # fmt: skip
FIRST_F = ["Marie", "Jeanne", "Louise", "Marguerite", "Camille", "Berthe", "Madeleine", "Hélène", "Suzanne",
           "Alice", "Juliette", "Germaine", "Lucie", "Claire", "Adèle", "Mathilde"]  # fmt: skip
SURNAMES = ["Dubois", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau", "Chevalier", "Garnier", "Faure",
            "Mercier", "Blanchard", "Perrin", "Morel", "Roux", "Lambert", "Bonnet", "Caron", "Brunet", "Marchand",
            "Gauthier", "Renaud", "Delorme", "Vasseur", "Tessier", "Picard", "Hubert", "Joly", "Leclerc"]  # fmt: skip
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]  # fmt: skip
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"]
# (the trade, what it left)
INDUSTRIES = [("la draperie", "l'ancienne filature"), ("la brasserie", "l'ancienne brasserie"),
              ("la papeterie", "l'ancienne papeterie"), ("la construction navale", "l'ancien chantier naval"),
              ("la ganterie", "l'ancienne ganterie"), ("la tannerie", "l'ancienne tannerie"),
              ("l'extraction de l'ardoise", "l'ancienne ardoisière"), ("la dentelle", "l'ancienne manufacture de dentelle"),
              ("l'horlogerie", "l'ancienne fabrique d'horlogerie"), ("la corderie", "l'ancienne corderie"),
              ("la tuilerie", "l'ancienne tuilerie"), ("la faïencerie", "l'ancienne faïencerie")]  # fmt: skip
PRODUCTS = ["du cidre", "du fromage", "du miel", "des tissus de laine", "des poteries", "du bois", "des pommes",
            "du poisson fumé", "des œufs", "du pain", "des fleurs", "des noix"]  # fmt: skip
ECONOMY = ["le tourisme", "l'agroalimentaire", "la mécanique", "le commerce de détail", "la logistique",
           "l'agriculture", "la santé", "l'artisanat", "l'imprimerie"]  # fmt: skip
LANDMARKS = ["une croix de marché médiévale", "une église gothique du XVe siècle", "les ruines d'un château féodal",
             "un hôtel de ville du XVIIIe siècle", "un pont de pierre à cinq arches", "un ancien relais de poste",
             "des halles couvertes en bois", "un moulin à eau restauré", "une rangée de maisons à colombages",
             "un ancien collège de jésuites"]  # fmt: skip
FESTIVALS = ["une foire aux fromages", "un festival de musique traditionnelle", "une fête de la Saint-Jean",
             "un marché de potiers", "une fête de la bière", "un salon du livre", "une procession aux lanternes",
             "un concours de labour"]  # fmt: skip
MEANINGS = ["le domaine près du gué", "la clairière dans la chênaie", "la ferme sur la colline",
            "l'enclos près du ruisseau", "le hameau des roseaux", "la prairie du marais", "le port des bateliers"]  # fmt: skip
LATIN = ["Villa Aureliaca", "Fontanetum", "Bellus Mons", "Rocca Fortis", "Campaniacum", "Mansionile",
         "Vallis Clara", "Castellum Novum", "Silva Viridis"]  # fmt: skip
SAINTS = [
    "Martin",
    "Pierre",
    "Étienne",
    "Julien",
    "Germain",
    "Laurent",
    "Nicolas",
    "Rémi",
    "Denis",
    "Hilaire",
]
EVENTS = ["Un grand incendie", "Une crue catastrophique", "Une violente tempête"]
LANDSCAPES = ["terres agricoles vallonnées", "landes", "marais drainés", "pelouses calcaires", "bois et prairies",
              "vergers et vignes"]  # fmt: skip
SOILS = [("lourds et argileux", "la culture du blé"), ("légers et sableux", "le maraîchage"),
         ("minces et caillouteux", "l'élevage des moutons"), ("riches et alluviaux", "l'élevage laitier")]  # fmt: skip
FISH = ["la truite fario", "l'ombre commun", "le saumon", "le chevesne", "la vandoise", "le brochet", "l'anguille",
        "le barbeau", "le vairon", "la perche"]  # fmt: skip
BIRDS = ["le martin-pêcheur", "le cincle plongeur", "le héron cendré", "la bergeronnette des ruisseaux",
         "l'hirondelle de rivage", "le cygne tuberculé"]  # fmt: skip
ROCKS = [("le calcaire", "dure et limpide"), ("le granite", "douce et légèrement acide"),
         ("le grès", "brunâtre après la pluie"), ("la craie", "froide et claire toute l'année")]  # fmt: skip
HABITATS = [
    "prairies humides",
    "roselières",
    "aulnaies anciennes",
    "plantes aquatiques rares",
    "bancs de graviers",
]

# profession: forms (m|f), known for, school (with its preposition), works, works of the period (with the
# agreeing adjective), own place, teacher, field
PROFESSIONS = {
    "peintre": {
        "prof": "peintre",
        "known": [
            "des paysages ruraux",
            "des portraits de gens simples",
            "de grandes marines",
            "des natures mortes",
        ],
        "school": ["à l'école des beaux-arts", "à l'académie de dessin"],
        "works": [
            "''Le Port à l'aube''",
            "''La Fenaison près de {town}''",
            "''La Prairie inondée''",
            "''Portrait de la mère de l'artiste''",
            "''Lumière d'hiver''",
            "''Le Bac''",
        ],
        "things": "tableaux les plus connus",
        "place": "son propre atelier",
        "teacher": "un paysagiste réputé",
        "field": "la peinture",
        "category": "Peintre français",
    },
    "compositeur": {
        "prof": "⟨compositeur|compositrice⟩",
        "known": [
            "de la musique chorale",
            "des mélodies pour voix et piano",
            "de la musique de chambre",
            "des œuvres pour harmonie",
        ],
        "school": ["au conservatoire", "à la maîtrise de la cathédrale"],
        "works": [
            "la cantate ''Le Village englouti''",
            "les ''Chants du soir''",
            "une ''Symphonie en ré''",
            "un ''Quatuor à cordes en la mineur''",
            "une ''Messe pour double chœur''",
            "la ''Suite pastorale''",
        ],
        "things": "œuvres les plus connues",
        "place": "sa propre école de musique",
        "teacher": "l'organiste de la cathédrale",
        "field": "la musique",
        "category": "Compositeur français",
    },
    "architecte": {
        "prof": "architecte",
        "known": [
            "des églises et des écoles",
            "des gares",
            "des bibliothèques publiques",
            "des villas de style régionaliste",
        ],
        "school": ["à l'école d'architecture", "à l'école des beaux-arts"],
        "works": [
            "l'hôtel de ville de {town}",
            "la bibliothèque municipale de {town}",
            "l'église Saint-Pierre de {town}",
            "la gare de {town}",
            "le groupe scolaire de {town}",
            "les halles de {town}",
        ],
        "things": "réalisations les plus connues",
        "place": "sa propre agence",
        "teacher": "un architecte diocésain",
        "field": "l'architecture",
        "category": "Architecte français",
    },
    "botaniste": {
        "prof": "botaniste",
        "known": [
            "des travaux sur les mousses",
            "des recherches sur les plantes alpines",
            "une étude des graminées",
            "une flore régionale",
        ],
        "school": ["à la faculté des sciences", "au jardin botanique"],
        "works": [
            "la ''Flore du département {dept}''",
            "un ''Manuel des mousses de France''",
            "une ''Étude sur les laîches''",
            "un ''Inventaire des plantes {pays_de}''",
        ],
        "things": "publications les plus connues",
        "place": "son propre laboratoire",
        "teacher": "un professeur de botanique",
        "field": "la botanique",
        "category": "Botaniste français",
    },
    "ingenieur": {
        "prof": "⟨ingénieur|ingénieure⟩",
        "known": [
            "des ponts métalliques",
            "des ouvrages hydrauliques",
            "des aménagements portuaires",
            "des barrages",
        ],
        "school": ["à l'école d'ingénieurs", "à l'école des arts et métiers"],
        "works": [
            "le pont sur la {river} à {town}",
            "le réseau d'eau potable de {town}",
            "le port de {town}",
            "le viaduc de {town}",
            "la station de pompage de {town}",
        ],
        "things": "projets les plus connus",
        "place": "son propre bureau d'études",
        "teacher": "un ingénieur des chemins de fer",
        "field": "la mécanique",
        "category": "Ingénieur français",
    },
    "romancier": {
        "prof": "⟨romancier|romancière⟩",
        "known": [
            "des romans de la vie rurale",
            "des romans historiques",
            "des livres pour enfants",
            "des romans policiers",
        ],
        "school": ["à la faculté des lettres", "à l'école normale"],
        "works": [
            "''La Fille du meunier''",
            "''Un été à {town}''",
            "''La Longue Route du nord''",
            "''Le Verger de verre''",
            "''Les Visiteurs d'hiver''",
            "''Le Passeur''",
        ],
        "things": "romans les plus connus",
        "place": "sa propre librairie",
        "teacher": "un professeur de lettres",
        "field": "la littérature",
        "category": "Romancier français",
    },
}

SPECIES_GROUPS = {
    "oiseau": {
        "families": [
            ("Paridae", "", [("Parus", 0), ("Poecile", 1), ("Periparus", 0)]),
            ("Turdidae", "", [("Turdus", 0), ("Zoothera", 1)]),
            ("Sylviidae", "", [("Sylvia", 1), ("Curruca", 1)]),
            ("Fringillidae", "", [("Carduelis", 1), ("Serinus", 0)]),
            ("Emberizidae", "", [("Emberiza", 1)]),
        ],
        "of": "d'oiseaux",
        "plural": "oiseaux",
        "size": (11, 24),
        "description": [
            "L'adulte mesure de ${size} centimètres de long et pèse entre ${weight} et ${weight2} grammes.",
            "Le dessus est ${colour}, tandis que la poitrine et le ventre sont ${colour2}.",
            "Les deux sexes sont semblables, mais les jeunes sont plus ternes et n'ont pas encore ${mark_none}.",
            "Le chant est ${song}, émis le plus souvent d'un perchoir élevé tôt le matin.",
            "En vol, l'oiseau montre ${mark} qui permet de le reconnaître facilement.",
        ],
        "ecology": [
            "Elle se nourrit surtout ${food}, qu'elle cherche dans le feuillage et sur l'écorce.",
            "En hiver, elle se joint souvent à des groupes mixtes d'autres petits passereaux.",
            "Le nid est construit ${nest}, et la femelle pond ${eggs} œufs.",
            "L'incubation dure environ ${days} jours, et les deux parents nourrissent les jeunes.",
            "Les couples défendent un territoire pendant la saison de reproduction, d'avril à juillet.",
        ],
        "food": [
            "d'insectes et d'araignées",
            "de chenilles",
            "de coléoptères et de leurs larves",
            "de petits escargots",
        ],
        "nest": [
            "dans une cavité d'arbre",
            "au bas d'un buisson dense",
            "dans les roseaux au-dessus de l'eau",
            "au sol, sous les herbes",
        ],
        "marks": [
            ("une barre alaire blanche", "de barre alaire blanche"),
            ("un sourcil clair", "de sourcil clair"),
            ("une tache rousse", "de tache rousse"),
            ("une calotte sombre", "de calotte sombre"),
        ],
    },
    "coleoptere": {
        "families": [
            ("Carabidae", "", [("Carabus", 0), ("Bembidion", 2), ("Pterostichus", 0)]),
            ("Chrysomelidae", "", [("Chrysolina", 1), ("Cassida", 1)]),
            ("Cerambycidae", "", [("Leptura", 1), ("Rhagium", 2)]),
            ("Curculionidae", "", [("Otiorhynchus", 0), ("Phyllobius", 0)]),
        ],
        "of": "de coléoptères",
        "plural": "coléoptères",
        "size": (4, 30),
        "description": [
            "Le corps mesure de ${size} millimètres de long ; il est ${colour}, avec un léger reflet ${colour2}.",
            "Les élytres portent de fines rangées de points, et les antennes atteignent environ la moitié de la longueur du corps.",
            "Elle se distingue des espèces voisines par la forme ${part}.",
            "Les pattes sont longues et fines, ce qui en fait un coureur rapide.",
        ],
        "ecology": [
            "Les adultes sont surtout actifs la nuit et se cachent le jour sous les pierres ou les écorces.",
            "Adultes et larves se nourrissent ${food}.",
            "Les larves se développent ${nest} et mettent jusqu'à deux ans à atteindre leur taille adulte.",
            "On rencontre les adultes de mai à août, le plus souvent ${habitat}.",
        ],
        "food": [
            "d'escargots et de limaces",
            "de feuilles de saule",
            "de bois en décomposition",
            "de petits insectes",
        ],
        "nest": [
            "dans le bois mort",
            "dans le sol",
            "dans les souches pourries",
            "dans les racines des graminées",
        ],
        "marks": [("", "")],
    },
    "papillon": {
        "families": [
            ("Geometridae", "", [("Eupithecia", 1), ("Idaea", 1)]),
            ("Noctuidae", "", [("Agrotis", 1), ("Xestia", 1)]),
            ("Erebidae", "", [("Catocala", 1), ("Arctia", 1)]),
        ],
        "of": "de lépidoptères",
        "plural": "lépidoptères",
        "size": (14, 48),
        "description": [
            "L'envergure est de ${size} millimètres.",
            "Les ailes antérieures sont ${colour} avec ${mark} plus sombre, et les ailes postérieures sont ${colour2}.",
            "Au repos, les ailes sont tenues à plat, de sorte que le papillon se confond avec l'écorce ou les lichens.",
            "Les exemplaires usés sont difficiles à distinguer des espèces voisines sans examen des genitalia.",
        ],
        "ecology": [
            "Le papillon vole en une génération de juin à août et vient volontiers à la lumière.",
            "La chenille se nourrit ${food}.",
            "L'espèce hiverne à l'état de chrysalide ${nest}.",
            "Les adultes visitent les fleurs au crépuscule, en particulier celles du chèvrefeuille et du silène.",
        ],
        "food": [
            "de bruyère",
            "de feuilles de chêne",
            "de plantes basses",
            "de graminées",
            "des fleurs de la centaurée",
        ],
        "nest": ["dans le sol", "dans la litière", "dans un cocon lâche parmi les mousses"],
        "marks": [("une ligne transversale", ""), ("une bande médiane", ""), ("une tache réniforme", "")],
    },
    "plante": {
        "families": [
            ("Ranunculaceae", "", [("Ranunculus", 0), ("Anemone", 1)]),
            ("Saxifragaceae", "", [("Saxifraga", 1)]),
            ("Campanulaceae", "", [("Campanula", 1), ("Phyteuma", 2)]),
            ("Orchidaceae", "", [("Orchis", 1), ("Dactylorhiza", 1)]),
        ],
        "of": "de plantes à fleurs",
        "plural": "plantes",
        "size": (10, 60),
        "description": [
            "C'est une plante herbacée vivace qui atteint de ${size} centimètres de hauteur.",
            "Les feuilles sont ${leaf}, et les tiges sont couvertes de poils fins.",
            "Les fleurs sont ${colour} et apparaissent ${months}.",
            "La fleur compte cinq pétales et de nombreuses étamines.",
            "Le fruit est une petite capsule contenant de nombreuses graines minuscules.",
        ],
        "ecology": [
            "Les fleurs sont pollinisées par ${food}.",
            "Elle pousse de préférence ${habitat}, souvent en compagnie d'autres espèces rares.",
            "Les graines sont dispersées par le vent et ne germent qu'après un hiver froid.",
            "Le bétail évite la plante, qui est légèrement toxique.",
        ],
        "food": [
            "les abeilles et les syrphes",
            "les bourdons",
            "de petites mouches",
            "des papillons de nuit",
        ],
        "nest": [""],
        "marks": [("", "")],
    },
}
COLOURS = ["brun olive", "gris ardoise", "jaune pâle", "brun foncé", "brun roux", "vert olive", "bleu profond",
           "blanc crème", "gris perle", "vert bronze", "ocre", "violet foncé"]  # invariable compound colours  # fmt: skip
SONGS = [
    "un sifflement bref et clair",
    "un trille rapide",
    "une série de notes aiguës et fines",
    "un gazouillis doux",
]
PARTS = ["de la tête", "du pronotum", "des antennes", "des élytres"]
LEAVES = [
    "profondément lobées",
    "en forme de cœur",
    "étroites et graminiformes",
    "disposées en rosette basale",
]
SPECIES_HABITATS = ["dans les prairies humides", "sur les pelouses calcaires", "dans les vieilles forêts",
                    "sur les éboulis de montagne", "dans les dunes côtières", "au bord des étangs",
                    "dans les landes et les tourbières", "sur les pentes rocheuses"]  # fmt: skip
STATUS = ["« préoccupation mineure »", "« quasi menacée »", "« vulnérable »", "« en danger »"]
EPITHETS = ["montan", "silvestr*", "palustr*", "minor#", "ochrace", "rufescens#", "alpin", "boreal*", "obscur",
            "variegat", "fusc", "pallid", "oriental*", "maculat", "nigr", "virescens#", "tenu", "caerule",
            "lacustr*", "rupestr*", "hirsut", "gracil*", "elegans#", "gallic"]  # fmt: skip

# kind: (title, article + bold, gender, what it is, the subject noun, old?, damage, history, architecture, present)
BUILDINGS = {
    "eglise": (
        "Église Saint-{saint} de {town}",
        "L'",
        "église Saint-{saint}",
        1,
        "une église catholique",
        "l'église",
        True,
        "un incendie",
        [
            "Le clocher fut surélevé au XVe siècle, et une nouvelle sonnerie de cloches y fut installée.",
            "Pendant la Révolution, l'église servit de grenier à fourrage, puis fut rendue au culte en 1802.",
        ],
        [
            "L'église est bâtie en ${material} et possède un ${spire} d'environ ${height} mètres de haut.",
            "À l'intérieur, la nef est séparée des bas-côtés par des arcades de ${arches} travées.",
            "Les vitraux du chœur ont été réalisés dans les années ${glass_decade}.",
            "Les fonts baptismaux sont plus anciens que l'édifice actuel et dateraient du XIIe siècle.",
        ],
        [
            "L'église est toujours affectée au culte et reste ouverte aux visiteurs pendant la journée.",
            "Des concerts y sont donnés pendant l'été.",
        ],
    ),
    "mairie": (
        "Hôtel de ville de {town}",
        "L'",
        "hôtel de ville de {town}",
        0,
        "un bâtiment municipal",
        "le bâtiment",
        False,
        "un incendie",
        [
            "En ${closed}, les services municipaux s'installèrent dans un bâtiment neuf, et l'ancien hôtel de ville fut confié aux associations.",
            "Une horloge, financée par une souscription publique, fut placée dans le beffroi en ${clock_year}.",
        ],
        [
            "L'édifice compte ${storeys} niveaux et est surmonté d'un beffroi au-dessus de l'entrée principale.",
            "Le rez-de-chaussée abritait à l'origine une halle ouverte, la salle du conseil se trouvant à l'étage.",
            "La façade principale est percée de ${arches} hautes fenêtres en plein cintre à l'étage.",
            "La salle du conseil a conservé ses boiseries d'origine et un plafond peint.",
        ],
        [
            "Le bâtiment reste le siège du conseil municipal, et sa grande salle accueille mariages et concerts.",
            "Une petite exposition au rez-de-chaussée présente l'histoire de [[${town}]].",
        ],
    ),
    "pont": (
        "Pont de {town}",
        "Le ",
        "pont de {town}",
        0,
        "un pont routier",
        "le pont",
        False,
        "une crue",
        [
            "Un péage fut perçu pour le franchissement jusqu'en ${closed_toll}, date à laquelle le département racheta l'ouvrage.",
            "Le pont fut élargi du côté aval pour supporter une circulation plus lourde.",
        ],
        [
            "Le pont compte ${arches} arches et mesure environ ${span} mètres de long.",
            "Il porte la route départementale D ${road} au-dessus de la ${river}.",
            "Les piles sont protégées par des avant-becs pointus qui brisent la force des crues.",
            "Les parapets ont été reconstruits au XXe siècle avec des pierres de la même carrière.",
        ],
        [
            "Le pont a été renforcé en ${restored} afin de supporter la circulation moderne.",
            "Une passerelle pour les piétons et les cyclistes a été construite à côté dans les années 1990.",
        ],
    ),
    "chateau": (
        "Château de {town}",
        "Le ",
        "château de {town}",
        0,
        "un château fort en ruine",
        "le château",
        True,
        "un siège",
        [
            "Le château fut assiégé pendant les guerres de Religion, puis en partie démantelé.",
            "Les habitants de [[${town}]] utilisèrent ensuite les murs en ruine comme carrière de pierres.",
        ],
        [
            "Le château se dresse sur un éperon rocheux dominant la vallée de la ${river}.",
            "Du château primitif subsistent le donjon et une partie de l'enceinte.",
            "Le châtelet d'entrée, flanqué de deux tours rondes, fut ajouté au ${century} siècle.",
            "Le donjon mesure environ ${height} mètres de haut, et ses murs ont plus de trois mètres d'épaisseur.",
        ],
        [
            "Les ruines sont gérées par une association et ouvertes au public.",
            "Des spectacles en plein air sont donnés dans la cour du château en été.",
        ],
    ),
    "moulin": (
        "Moulin à vent de {town}",
        "Le ",
        "moulin à vent de {town}",
        0,
        "un moulin à vent de type tour",
        "le moulin",
        False,
        "une tempête",
        [
            "Le moulin cessa de tourner en ${closed}, après que ses ailes eurent été endommagées par un coup de vent.",
            "Pendant un temps, une machine à vapeur l'actionnait lorsque le vent était trop faible.",
        ],
        [
            "Le moulin est une tour en ${material} de ${height} mètres de haut, dont le toit pivotait face au vent.",
            "Il possédait quatre ailes et entraînait trois paires de meules.",
            "Le toit, en forme de coque de bateau, est orienté par une roue à palettes.",
        ],
        [
            "De nouvelles ailes ont été posées en ${restored}, et le moulin produit de la farine les jours de fête.",
            "Le moulin se visite les week-ends d'été.",
        ],
    ),
    "gare": (
        "Gare de {town}",
        "La ",
        "gare de {town}",
        1,
        "une gare ferroviaire",
        "la gare",
        False,
        "un incendie",
        [
            "Le service des marchandises fut supprimé en ${closed}, et l'emplacement de la cour est aujourd'hui un parking.",
            "La gare fut ouverte par une compagnie privée, plus tard absorbée par un grand réseau.",
        ],
        [
            "Le bâtiment voyageurs est une construction basse en ${material}, avec une marquise au-dessus du quai.",
            "Une halle à marchandises et un poste d'aiguillage se trouvaient ${dir} de la gare.",
            "La marquise repose sur des colonnes en fonte aux consoles décorées.",
        ],
        [
            "Les trains s'y arrêtent toujours, mais une partie du bâtiment abrite désormais un café.",
            "Des bénévoles entretiennent les massifs fleuris des quais.",
        ],
    ),
    "bibliotheque": (
        "Bibliothèque municipale de {town}",
        "La ",
        "bibliothèque municipale de {town}",
        1,
        "une bibliothèque publique",
        "la bibliothèque",
        False,
        "un incendie",
        [
            "La construction fut en partie financée par le legs d'un industriel de la ville.",
            "Une section pour la jeunesse fut ajoutée en ${clock_year}.",
        ],
        [
            "La bibliothèque est un bâtiment en ${material} dont la salle de lecture est éclairée par une coupole.",
            "Au-dessus de l'entrée se trouve un bas-relief aux armes de la ville.",
            "La salle de lecture a conservé ses rayonnages en chêne et une galerie desservie par un escalier en colimaçon.",
        ],
        [
            "La bibliothèque prête toujours des livres et propose aussi des ordinateurs et un fonds d'histoire locale.",
            "Des clubs de lecture et des cours pour adultes s'y réunissent chaque semaine.",
        ],
    ),
    "phare": (
        "Phare de {town}",
        "Le ",
        "phare de {town}",
        0,
        "un phare",
        "le phare",
        False,
        "une tempête",
        [
            "Le feu fut automatisé en ${closed}, et les derniers gardiens quittèrent la station.",
            "Une corne de brume fut ajoutée en ${clock_year}.",
        ],
        [
            "La tour mesure ${height} mètres de haut et est construite en ${material}.",
            "Sa lumière était visible jusqu'à ${range} milles marins au large.",
            "Les gardiens logeaient dans une rangée de maisonnettes au pied de la tour.",
        ],
        [
            "Les maisons des gardiens sont aujourd'hui des gîtes, et la tour se visite en été.",
            "Le feu est toujours en service et surveillé depuis un centre de contrôle éloigné.",
        ],
    ),
}
MATERIALS = ["calcaire local", "brique rouge", "granite", "grès jaune", "moellons et pierre de taille",
             "brique et terre cuite", "pierre de taille"]  # fmt: skip


def of(word: str) -> str:
    """de + a word, elided before a vowel: d'avril, de mai."""
    return ("d'" if word[:1].lower() in "aeiouéèâîôh" else "de ") + word


def date(rng: random.Random, year: int) -> str:
    day = rng.randint(1, 28)
    return f"{'1er' if day == 1 else day} {rng.choice(MONTHS)} {year}"


def language() -> Language:
    names = Names(random.Random(0))

    def town(rng: random.Random, unique: bool = False) -> str:
        def build() -> str:
            suffix = rng.choice(TOWN_SUFFIXES).format(river=rng.choice(RIVERS))
            return rng.choice(TOWN_BASES) + suffix

        return names.make(build, unique)

    def person_name(rng: random.Random, gender: int) -> str:
        return f"{rng.choice(FIRST_F if gender else FIRST_M)} {rng.choice(SURNAMES)}"

    def common(rng: random.Random) -> dict:
        dept, dept_de = rng.choice(DEPARTMENTS)
        pays, in_pays = rng.choice(PAYS)
        direction = rng.choice(DIRECTIONS)
        return {
            "dept": dept, "dept_de": dept_de, "pays": pays, "in_pays": in_pays, "city": town(rng),
            "city2": town(rng), "dir": direction, "dir_cap": direction[0].upper() + direction[1:],
            "river": rng.choice(RIVERS), "gender": 1,
        }  # fmt: skip

    def make_town(rng: random.Random) -> dict:
        name = town(rng, unique=True)
        (industry, works), (industry2, _) = rng.sample(INDUSTRIES, 2)
        econ, econ2 = rng.sample(ECONOMY, 2)
        product, product2 = rng.sample(PRODUCTS, 2)
        landmark, landmark2 = rng.sample(LANDMARKS, 2)
        soil, crop = rng.choice(SOILS)
        population = rng.randint(600, 42000)
        c = common(rng)
        c.update({
            "title": name, "name": name, "slug": name.lower(), "pop": number(population, "fr"),
            "popyear": rng.choice([2013, 2018, 2019, 2020]), "dist": rng.randint(6, 45), "elev": rng.randint(5, 900),
            "bank": rng.choice(["gauche", "droite"]), "meaning": rng.choice(MEANINGS), "latin": rng.choice(LATIN),
            "early_year": rng.randint(960, 1250), "find_year": rng.randint(1860, 1990),
            "abbey": town(rng), "charter": rng.randint(1250, 1480), "weekday": rng.choice(WEEKDAYS),
            "century": roman(rng.randint(14, 18)) + "e", "industry": industry, "industry2": industry2, "works": works,
            "event": rng.choice(EVENTS), "event_year": rng.randint(1540, 1790), "rail_year": rng.randint(1850, 1900),
            "merge_year": rng.randint(1965, 1975), "merged": rng.choice(["deux", "trois", "quatre"]),
            "landscape": rng.choice(LANDSCAPES), "bridges": rng.choice(["deux", "trois", "quatre"]),
            "bridge_century": roman(rng.randint(13, 18)) + "e", "soil": soil, "crop": crop, "hill": rng.choice(HILLS),
            "hill_height": rng.randint(280, 1400), "flood_year": rng.randint(1890, 2016), "econ": econ,
            "econ2": econ2, "product": product, "product2": product2, "firms": rng.randint(20, 140),
            "minutes": rng.randint(15, 55), "saint": rng.choice(SAINTS), "spire": rng.choice(["clocher", "clocher-porche"]),
            "bells": rng.choice(["trois", "quatre", "cinq", "six"]), "landmark": landmark, "landmark2": landmark2,
            "museum_building": rng.choice(["une ancienne école", "l'ancien presbytère", "une ancienne halle aux grains",
                                           "l'ancienne gendarmerie"]),
            "month": rng.choice(MONTHS), "festival": rng.choice(FESTIVALS),
            "paper": f"{rng.choice(['L’Écho', 'Le Courrier', 'Le Petit Journal', 'La Gazette'])} {of(name)}",
            "paper_year": rng.randint(1840, 1905), "closed_year": rng.randint(1938, 1990),
            "road": rng.randint(10, 999), "bypass_year": rng.randint(1970, 2012),
            "category": "Commune du département ${dept_de}",
            "infobox": f"{{{{Infobox Commune de France\n| nom = {name}\n| population = {population}\n"
                       f"| département = {c['dept']}\n}}}}",
        })  # fmt: skip
        return c

    def make_river(rng: random.Random) -> dict:
        name = names.make(lambda: rng.choice(RIVERS + [rng.choice(RIVER_START) + rng.choice(RIVER_END)]))
        rock, quality = rng.choice(ROCKS)
        fish = rng.sample(FISH, 3)
        birds = rng.sample(BIRDS, 2)
        tribs = rng.sample([r for r in RIVERS if r != name], 3)
        length = rng.randint(12, 120)
        c = common(rng)
        c.update({
            "title": f"{name} (rivière)", "name": name, "slug": name.lower(), "mouth": rng.choice(MAIN_RIVERS),
            "side": rng.choice(["gauche", "droite"]), "length": length, "area": number(length * rng.randint(4, 12), "fr"),
            "source": rng.choice(HILLS), "town1": town(rng), "town2": town(rng), "town3": town(rng),
            "trib1": tribs[0], "trib2": tribs[1], "trib3": tribs[2], "src_elev": rng.randint(300, 1200),
            "mouth_elev": rng.randint(20, 250), "flow": f"{rng.randint(0, 25)},{rng.randint(1, 9)}",
            "rise": rng.randint(2, 5), "flood_year": rng.randint(1875, 2016), "rock": rock, "water_quality": quality,
            "mills": rng.randint(4, 30), "nav_end": rng.randint(1860, 1925), "reservoir_year": rng.randint(1900, 1975),
            "fish1": fish[0], "fish2": fish[1], "fish3": fish[2], "birds1": birds[0], "birds2": birds[1],
            "otter_decade": rng.choice(["1990", "2000", "2010"]), "habitat": rng.choice(HABITATS),
            "valley_feature": rng.choice(["prairies humides", "anciens moulins", "vergers", "gorges calcaires"]),
            "category": "Cours d'eau du département ${dept_de}",
            "infobox": f"{{{{Infobox Cours d'eau\n| nom = {name}\n| longueur = {length}\n}}}}",
        })  # fmt: skip
        return c

    def make_species(rng: random.Random) -> dict:
        kind = rng.choice(list(SPECIES_GROUPS))
        group = SPECIES_GROUPS[kind]
        family, _, genus, describer, binomial = species_name(
            rng, names, group["families"], EPITHETS, SURNAMES
        )
        low, high = group["size"]
        size = rng.randint(low, high)
        colour, colour2 = rng.sample(COLOURS, 2)
        month1 = rng.randint(2, 7)
        described = rng.randint(1758, 1935)
        habitat, habitat2 = rng.sample(SPECIES_HABITATS, 2)
        mark, mark_none = rng.choice(group["marks"])
        c = common(rng)
        c.update({
            "title": binomial, "binomial": binomial, "slug": binomial.lower().replace(" ", "-"), "genus": genus,
            "family": family, "of": group["of"], "plural": group["plural"], "describer": describer,
            "described": described, "size": f"{size} à {size + rng.randint(2, 6)}", "weight": rng.randint(8, 20),
            "weight2": rng.randint(21, 60), "colour": colour, "colour2": colour2, "mark": mark,
            "mark_none": mark_none, "song": rng.choice(SONGS), "food": rng.choice(group["food"]),
            "nest": rng.choice(group["nest"]), "eggs": rng.choice(["trois à cinq", "quatre à sept", "cinq ou six"]),
            "days": rng.randint(11, 16), "part": rng.choice(PARTS), "leaf": rng.choice(LEAVES),
            "months": f"{of(MONTHS[month1])} à {MONTHS[month1 + rng.randint(1, 3)]}", "habitat": habitat,
            "habitat2": habitat2, "status": rng.choice(STATUS), "altitude": number(rng.randint(300, 2200), "fr"),
            "category": f"Espèce {group['of']} (nom scientifique)",
            "infobox": f"{{{{Taxobox début | animal | {binomial} }}}}\n{{{{Taxobox taxon | animal | espèce | "
                       f"{binomial} | {describer}, {described} }}}}\n{{{{Taxobox fin}}}}",
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
        places = {"town": town(rng), "dept": c["dept_de"], "river": c["river"], "pays_de": of(c["pays"])}
        places["pays_de"] = places["pays_de"].replace("de le ", "du ").replace("de les ", "des ")
        works = [w.format(**places) for w in rng.sample(p["works"], 3)]
        c.update({
            "title": full, "full": full, "first": full.split()[0], "last": full.split()[1], "gender": gender,
            "slug": full.lower().replace(" ", "-"), "prof": p["prof"], "known": rng.choice(p["known"]),
            "school": rng.choice(p["school"]), "work1": works[0], "work2": works[1], "work3": works[2],
            "things": p["things"], "place": p["place"], "teacher": p["teacher"], "field": p["field"],
            "teacher_name": person_name(rng, 0), "birth": date(rng, born), "born": born,
            "death": date(rng, died), "died": died, "birthplace": town(rng), "deathplace": rng.choice([town(rng), c["city"]]),
            "parent_job": rng.choice(["instituteur", "cultivateur", "meunier", "pasteur", "commerçant", "médecin",
                                      "employé des chemins de fer", "menuisier"]),
            "siblings": rng.choice(["trois", "quatre", "cinq", "six", "sept"]),
            "ordinal": rng.choice(["⟨l'aîné|l'aînée⟩", "⟨le deuxième|la deuxième⟩", "⟨le troisième|la troisième⟩",
                                   "⟨le cadet|la cadette⟩"]),
            "move_year": born + rng.randint(17, 24), "first_year": born + rng.randint(24, 32),
            "peak_year": born + rng.randint(33, 45), "late_year": min(born + rng.randint(46, 60), died - 1),
            "spouse": person_name(rng, 1 - gender), "marry_year": born + rng.randint(23, 35),
            "children": rng.choice(["deux enfants", "trois enfants", "un fils", "une fille", "quatre enfants"]),
            "society": rng.choice(["de la société d'histoire locale", "de la société archéologique du département",
                                   "d'une association de sauvegarde du patrimoine", "du cercle artistique de [[${city}]]"]),
            "exhibit_year": min(died + rng.randint(5, 60), 2021),
            "category": p["category"],
        })  # fmt: skip
        c["society"] = c["society"].replace("${city}", c["city"])
        return c

    def make_building(rng: random.Random) -> dict:
        kind = rng.choice(list(BUILDINGS))
        pattern, art, bold, gender, what, sub, old, damage, history, architecture, present = BUILDINGS[kind]
        chosen: dict[str, str] = {}

        def title_of() -> str:
            chosen.update(town=town(rng), saint=rng.choice(SAINTS))
            return pattern.format(**chosen)

        title = names.make(title_of)
        built = rng.randint(1180, 1480) if old else rng.randint(1760, 1925)
        damaged = min(built + rng.randint(15, 140), 1975)
        closed = rng.randint(max(damaged + 5, 1930), 1985)
        restored = rng.randint(closed + 5, 2015)
        c = common(rng)
        architect_line = (
            []
            if old
            else ["Les plans sont dus à l'architecte ${architect}, et les travaux ont coûté ${cost} francs."]
        )
        c.update({
            "title": title, "art": art, "bold": bold.format(**chosen), "gender": gender, "what": what,
            "slug": title.lower().replace(" ", "-").replace("'", ""), "sub": sub, "Sub": sub[0].upper() + sub[1:],
            "town": chosen["town"], "saint": chosen["saint"], "built": built, "damage": damage, "damaged": damaged,
            "rebuilt": damaged + rng.randint(1, 4), "closed": closed, "restored": restored,
            "restored_end": restored + rng.randint(2, 6), "closed_toll": min(built + rng.randint(10, 60), max(built + 5, 1925)),
            "clock_year": rng.randint(max(built, 1850), 1930), "architect": person_name(rng, 0),
            "material": rng.choice(MATERIALS), "cost": number(rng.randint(20, 900) * 1000, "fr"),
            "height": rng.randint(12, 58), "span": rng.randint(18, 120), "arches": rng.choice(["trois", "cinq", "sept"]),
            "storeys": rng.choice(["deux", "trois"]), "range": rng.randint(12, 24), "road": rng.randint(10, 999),
            "glass_decade": rng.choice(["1860", "1880", "1890", "1920"]), "spire": rng.choice(["clocher", "clocher-porche"]),
            "century": roman(rng.randint(13, 15)) + "e", "protected_year": rng.randint(1920, 1995),
            "history": [
                "${Sub} ⟨actuel|actuelle⟩ a été ⟨construit|construite⟩ en ${built} à l'emplacement d'un édifice plus ancien.",
                *architect_line,
                "En ${damaged}, ${sub} fut gravement ⟨endommagé|endommagée⟩ par ${damage}, puis ⟨restauré|restaurée⟩ en ${rebuilt}.",
                *history,
                "Une association de sauvegarde s'est constituée, et d'importants travaux ont été menés de ${restored} à ${restored_end}.",
            ],
            "architecture": [*architecture, "${Sub} est ⟨inscrit|inscrite⟩ aux [[Monument historique (France)|monuments historiques]] depuis ${protected_year}."],
            "present": present,
            "category": "Monument historique dans le département ${dept_de}",
        })  # fmt: skip
        c["infobox"] = f"{{{{Infobox Monument\n| nom = {c['bold']}\n| construction = {built}\n}}}}"
        return c

    town_topic = Topic(
        make=make_town,
        lead=[
            "'''${name}''' est une commune française située dans le département ${dept_de}.",
            "'''${name}''' est une petite ville ${in_pays}, à environ ${dist} kilomètres ${dir} de [[${city}]].",
            "'''${name}''' est une commune rurale du département ${dept_de}, traversée par la [[${river}]].",
        ],
        lead_more=[
            "La commune comptait ${pop} habitants en ${popyear}.",
            "Le bourg s'est développé autour d'un gué sur la ${river} et fut longtemps un centre de ${industry}.",
            "Elle se trouve à environ ${dist} kilomètres ${dir} de [[${city}]].",
            "Son centre ancien, avec ${landmark}, est protégé au titre des [[site patrimonial remarquable|sites patrimoniaux remarquables]].",
        ],
        sections=[
            (
                "Toponymie",
                [
                    "Le nom de la localité est attesté sous la forme latine ''${latin}'' en ${early_year}.",
                    "Il dériverait d'un terme signifiant « ${meaning} ».",
                ],
                1,
                2,
            ),
            (
                "Histoire",
                [
                    "Un établissement gallo-romain existait déjà sur le site, comme l'attestent des fragments de tuiles découverts en ${find_year}.",
                    "La paroisse dépendait au Moyen Âge de l'abbaye de [[${abbey}]].",
                    "En ${charter}, le seigneur accorda aux habitants le droit de tenir un marché chaque ${weekday}.",
                    "Au ${century} siècle, la ville prospéra grâce à ${industry}, et de nombreuses maisons de pierre du centre datent de cette époque.",
                    "${event} en ${event_year} détruisit une grande partie de la vieille ville, qui fut ensuite reconstruite en brique.",
                    "L'arrivée du chemin de fer en ${rail_year} attira de nouvelles industries, et la population doubla en une trentaine d'années.",
                    "Après le déclin de ${industry2} au début du XXe siècle, de nombreuses familles partirent chercher du travail à [[${city}]].",
                    [
                        "Pendant la [[Seconde Guerre mondiale]], la commune accueillit plusieurs centaines de réfugiés.",
                        "Durant la [[Seconde Guerre mondiale]], un aérodrome fut aménagé ${dir} du bourg.",
                    ],
                    "En ${merge_year}, elle a absorbé ${merged} communes voisines.",
                    "Depuis les années 1970, de nouveaux lotissements ont été construits en périphérie, et la population augmente régulièrement.",
                ],
                3,
                6,
            ),
            (
                "Géographie",
                [
                    "${name} est située à une altitude d'environ ${elev} mètres, sur la rive ${bank} de la ${river}.",
                    "Le paysage environnant est surtout fait de ${landscape}, parsemé de fermes et de petits bois.",
                    "La ${river} y est franchie par ${bridges} ponts, dont le plus ancien date du ${bridge_century} siècle.",
                    "Les sols sont ${soil}, ce qui a favorisé ${crop}.",
                    "${dir_cap} de la commune s'élève le ${hill}, qui culmine à ${hill_height} mètres.",
                    "Le climat est de type océanique dégradé, avec des précipitations réparties sur toute l'année.",
                    "Les inondations sont fréquentes, et les digues ont été rehaussées après la crue de ${flood_year}.",
                ],
                2,
                4,
            ),
            (
                "Économie",
                [
                    "Les principaux secteurs d'activité sont aujourd'hui ${econ} et ${econ2}.",
                    "Un marché hebdomadaire se tient toujours sur la place, où les producteurs locaux vendent ${product} et ${product2}.",
                    "Les bâtiments de ${works}, au bord de la rivière, ont été transformés en logements et en ateliers.",
                    "Une zone d'activités en périphérie accueille environ ${firms} petites entreprises.",
                    "De nombreux habitants travaillent à [[${city}]], à environ ${minutes} minutes en voiture.",
                    "Le tourisme s'est développé depuis les années 1990, notamment grâce au sentier de grande randonnée qui traverse la commune.",
                ],
                2,
                4,
            ),
            (
                "Culture et patrimoine",
                [
                    "L'église [[Église Saint-${saint} de ${name}|Saint-${saint}]] possède un haut ${spire} et ${bells} cloches.",
                    "Parmi les autres monuments figurent ${landmark} et ${landmark2}.",
                    "Le musée local, installé dans ${museum_building}, retrace l'histoire de ${industry}.",
                    "Chaque année en ${month}, la commune organise ${festival}, qui attire des visiteurs de toute la région.",
                    "La commune dispose d'un club de football, d'un club de tennis et d'un club d'aviron sur la ${river}.",
                    "Le journal local, ''${paper}'', a été fondé en ${paper_year}.",
                ],
                2,
                4,
            ),
            (
                "Transports",
                [
                    [
                        "La gare de ${name} est desservie par des trains régionaux entre [[${city}]] et [[${city2}]].",
                        "La gare a fermé aux voyageurs en ${closed_year} ; la plus proche se trouve désormais à [[${city}]].",
                    ],
                    "La route départementale D ${road} traverse le bourg, contourné par une déviation depuis ${bypass_year}.",
                    "Des lignes d'autocars relient la commune aux villages voisins et à [[${city}]].",
                    "Jusqu'au XIXe siècle, la ${river} était navigable jusqu'à ${name}, et des bateaux transportaient ${product} vers l'aval.",
                ],
                1,
                3,
            ),
        ],
        see_also=["Liste des communes du département ${dept_de}", "${river} (rivière)"],
        citations=["fr-marche"],
    )

    river_topic = Topic(
        make=make_river,
        lead=[
            "La '''${name}''' est une rivière française du département ${dept_de}, et un affluent de la [[${mouth}]] en rive ${side}.",
            "La '''${name}''' est une rivière longue de ${length} kilomètres, qui prend sa source sur le ${source} et se jette dans la [[${mouth}]] près de [[${town1}]].",
            "La '''${name}''' est une rivière de ${length} kilomètres qui arrose ${pays} avant de rejoindre la [[${mouth}]].",
        ],
        lead_more=[
            "Son [[bassin versant]] couvre environ ${area} kilomètres carrés.",
            "Elle traverse notamment [[${town2}]] et [[${town3}]].",
            "Sa vallée est connue pour ses ${valley_feature}.",
        ],
        sections=[
            (
                "Cours",
                [
                    "La ${name} prend sa source à environ ${src_elev} mètres d'altitude, dans une zone de tourbières sur les pentes du ${source}.",
                    "Dans son cours supérieur, elle coule rapidement dans une vallée étroite et boisée, où elle reçoit la ${trib1}.",
                    "En aval de [[${town2}]], la vallée s'élargit et la rivière décrit de larges méandres à travers les prairies.",
                    "À [[${town3}]], elle est franchie par un pont médiéval à plusieurs arches.",
                    "Ses principaux affluents sont la ${trib1}, la ${trib2} et la ${trib3}.",
                    "La ${name} se jette dans la ${mouth} à une altitude d'environ ${mouth_elev} mètres.",
                ],
                3,
                5,
            ),
            (
                "Hydrologie",
                [
                    "Le débit moyen mesuré à [[${town2}]] est d'environ ${flow} mètres cubes par seconde.",
                    "Son débit varie fortement selon les saisons, et son niveau peut monter de plus de ${rise} mètres après de fortes pluies.",
                    "La rivière a inondé [[${town2}]] à plusieurs reprises, notamment en ${flood_year}.",
                    "Une grande partie du bassin reposant sur ${rock}, l'eau y est ${water_quality}.",
                    "La qualité de l'eau est généralement bonne, même si l'agriculture de la basse vallée apporte des nitrates.",
                ],
                2,
                3,
            ),
            (
                "Histoire",
                [
                    "Au Moyen Âge, la ${name} actionnait au moins ${mills} [[moulin à eau|moulins à eau]], qui servaient à moudre le grain puis à fouler le drap.",
                    "Plusieurs barrages furent construits au XVIIIe siècle pour permettre le flottage du bois sur la basse rivière.",
                    "Le flottage cessa définitivement en ${nav_end}.",
                    "Certains anciens moulins ont été restaurés, et l'un d'eux produit encore de la farine.",
                    "En ${reservoir_year}, un barrage-réservoir fut construit dans la haute vallée pour alimenter [[${city}]] en eau potable.",
                ],
                2,
                4,
            ),
            (
                "Faune et flore",
                [
                    "La ${name} abrite ${fish1}, ${fish2} et ${fish3}.",
                    "On observe régulièrement ${birds1} et ${birds2} sur ses rives.",
                    "La [[loutre d'Europe]] est revenue sur la rivière dans les années ${otter_decade}, après plusieurs décennies d'absence.",
                    "Une partie de la vallée est classée en [[zone naturelle d'intérêt écologique, faunistique et floristique|ZNIEFF]] en raison de ses ${habitat}.",
                    "Les bénévoles d'une association de pêche ramassent les déchets et mesurent la qualité de l'eau chaque printemps.",
                ],
                2,
                4,
            ),
            (
                "Loisirs",
                [
                    "Un sentier de randonnée longe la rivière sur la plus grande partie de son cours.",
                    "La rivière est appréciée des pêcheurs et, dans son cours inférieur, des canoéistes.",
                    "À [[${town2}]], un parc a été aménagé au bord de l'eau sur le site d'une ancienne usine à gaz.",
                ],
                1,
                2,
            ),
        ],
        see_also=["Liste des cours d'eau du département ${dept_de}", "${mouth}"],
        citations=[],
    )

    species_topic = Topic(
        make=make_species,
        lead=[
            "'''''${binomial}''''' est une espèce ${of} de la famille des [[${family}]].",
            "'''''${binomial}''''' est une espèce ${of} de la famille des [[${family}]], présente ${habitat} ${in_pays}.",
        ],
        lead_more=[
            "Elle a été décrite pour la première fois par ${describer} en ${described}.",
            "Elle fait partie des représentants les moins connus du genre ''[[${genus}]]''.",
            "Elle est classée comme ${status} par l'[[Union internationale pour la conservation de la nature|UICN]].",
        ],
        sections=[
            (
                "Systématique",
                [
                    "L'espèce a été décrite en ${described} par ${describer}, à partir de spécimens récoltés près de [[${city}]].",
                    "L'[[holotype]] est conservé au muséum d'histoire naturelle de [[${city}]].",
                    "Certains auteurs l'ont considérée comme une [[sous-espèce]] d'une espèce plus répandue, mais les études génétiques confirment son statut d'espèce à part entière.",
                    "Aucune sous-espèce n'est actuellement reconnue.",
                ],
                1,
                3,
            ),
            ("Description", "@description", 2, 4),
            (
                "Répartition et habitat",
                [
                    "L'espèce est présente ${in_pays}, jusqu'à ${altitude} mètres d'altitude.",
                    "Elle vit surtout ${habitat}, mais on la trouve aussi ${habitat2}.",
                    "Des populations isolées sont connues dans le département ${dept_de}, où elle n'a été découverte qu'au XXe siècle.",
                    "Son aire de répartition semble s'être déplacée vers le nord au cours des dernières décennies, peut-être en raison d'étés plus chauds.",
                ],
                2,
                3,
            ),
            ("Écologie", "@ecology", 2, 3),
            (
                "Conservation",
                [
                    "L'UICN la classe comme ${status}.",
                    "Elle est menacée localement par le drainage des zones humides et la disparition des vieux arbres.",
                    "Les comptages réalisés par des bénévoles depuis les années 1980 montrent un lent déclin.",
                    "Une partie de son habitat est protégée dans une réserve naturelle près de [[${city2}]].",
                ],
                1,
                3,
            ),
        ],
        see_also=["Liste des ${plural} de France", "${family}"],
        citations=["fr-abeilles"],
    )

    person_topic = Topic(
        make=make_person,
        lead=[
            "'''${full}''', ⟨né|née⟩ le ${birth} à [[${birthplace}]] et ⟨mort|morte⟩ le ${death} à [[${deathplace}]], est ⟨un|une⟩ ${prof} ⟨français|française⟩.",
            "'''${full}''' (${born}-${died}) est ⟨un|une⟩ ${prof} ⟨français|française⟩ qui a principalement travaillé à [[${city}]].",
        ],
        lead_more=[
            "⟨Il est surtout connu|Elle est surtout connue⟩ pour ${work1}.",
            "On lui doit notamment ${known}.",
            "⟨Il fut l'un des fondateurs|Elle fut l'une des fondatrices⟩ ${society}.",
        ],
        sections=[
            (
                "Jeunesse et formation",
                [
                    "${first} ${last} naît à [[${birthplace}]], ${ordinal} des ${siblings} enfants d'un ${parent_job}.",
                    "⟨Il|Elle⟩ fréquente l'école communale, où un instituteur encourage son goût pour ${field}.",
                    "En ${move_year}, ⟨il|elle⟩ s'installe à [[${city}]] pour étudier ${school}.",
                    "⟨Il|Elle⟩ y rencontre ${teacher_name}, ${teacher}, qui restera son ami toute sa vie.",
                    "Faute d'argent, ⟨il|elle⟩ vit de leçons particulières et d'un emploi de ⟨commis|secrétaire⟩.",
                ],
                2,
                4,
            ),
            (
                "Carrière",
                [
                    "Sa première œuvre importante, ${work1}, date de ${first_year}.",
                    "Ses premiers succès lui valent des commandes dans tout le département ${dept_de}.",
                    "En ${peak_year}, ⟨il|elle⟩ ouvre ${place} à [[${city}]], qu'⟨il|elle⟩ dirige pendant plus de vingt ans.",
                    "Parmi ses ${things} de cette période figurent ${work2} et ${work3}.",
                    "La critique salue la simplicité de son travail et son attention à la vie quotidienne.",
                    "⟨Il|Elle⟩ écrit aussi régulièrement dans la presse locale et donne des conférences sur ${field}.",
                    "Vers ${late_year}, sa réputation dépasse largement les limites du département.",
                ],
                3,
                5,
            ),
            (
                "Vie privée",
                [
                    "En ${marry_year}, ⟨il|elle⟩ épouse ${spouse}, avec qui ⟨il|elle⟩ a ${children}.",
                    "⟨Grand marcheur|Grande marcheuse⟩, ⟨il|elle⟩ passe de nombreux étés ${in_pays}.",
                    "⟨Il|Elle⟩ meurt à [[${deathplace}]] en ${died} et est ⟨inhumé|inhumée⟩ dans le cimetière de la commune.",
                    "Ses archives sont conservées aux archives départementales ${dept_de}.",
                ],
                1,
                3,
            ),
            (
                "Postérité",
                [
                    "Une rétrospective de son œuvre est organisée à [[${city}]] en ${exhibit_year}.",
                    "Une rue de [[${birthplace}]] porte son nom.",
                    "⟨Tombé|Tombée⟩ dans l'oubli après sa mort, ⟨il est redécouvert|elle est redécouverte⟩ depuis les années 1980.",
                    "Une plaque commémorative signale la maison de [[${city}]] où ⟨il|elle⟩ a vécu.",
                ],
                1,
                2,
            ),
        ],
        see_also=["Liste de personnalités liées au département ${dept_de}"],
        citations=[],
    )

    building_topic = Topic(
        make=make_building,
        lead=[
            "${art}'''${bold}''' est ${what} ⟨situé|située⟩ à [[${town}]], dans le département ${dept_de}.",
            "${art}'''${bold}''' est ${what} ⟨construit|construite⟩ en ${built} à [[${town}]].",
        ],
        lead_more=[
            "⟨Il|Elle⟩ est ⟨protégé|protégée⟩ au titre des [[Monument historique (France)|monuments historiques]].",
            "${Sub} est l'un des monuments les plus connus ${in_pays}.",
            "${Sub} figure sur de nombreuses cartes postales anciennes.",
        ],
        sections=[
            ("Histoire", "@history", 3, 5),
            ("Description", "@architecture", 2, 4),
            ("Utilisation actuelle", "@present", 1, 2),
        ],
        see_also=["Liste des monuments historiques du département ${dept_de}", "${town}"],
        citations=["fr-bibliotheque"],
    )

    return Language(
        code="fr",
        topics={
            "town": town_topic,
            "river": river_topic,
            "species": species_topic,
            "person": person_topic,
            "building": building_topic,
        },
        see_also="Voir aussi",
        references="Notes et références",
        further="Liens externes",
        category="Catégorie",
        file="Fichier",
        thumb="vignette",
        ref_titles=[
            "Histoire de ${title}",
            "Notes sur ${title}",
            "Monographie communale",
            "Dictionnaire topographique",
            "Inventaire du patrimoine",
            "Annuaire du département",
        ],
        publishers=[
            "Archives départementales",
            "Société d'histoire locale",
            "Inventaire général du patrimoine",
            "Muséum d'histoire naturelle",
            "Office de tourisme",
        ],
        cite="{{Lien web |url=${url} |titre=${title} |éditeur=${publisher} |année=${year}}}",
        accessed="consulté le",
    )
