"""Deutsch: erfundene Städte, Bäche, Arten, Personen und Bauwerke, im Ton eines Lexikons."""

from __future__ import annotations

import random

from wikiprose import Language, Names, Topic, number, species_name

TOWN_START = ["Linden", "Birken", "Eichen", "Tannen", "Buchen", "Erlen", "Hasel", "Rosen", "Wiesen", "Stein",
              "Wald", "Mühl", "Kirch", "Hohen", "Alten", "Neuen", "Schön", "Sonnen", "Weiden", "Fichten",
              "Brunn", "Kalten", "Ross", "Falken", "Lerchen", "Rabens"]  # fmt: skip
TOWN_END = ["feld", "dorf", "hausen", "heim", "berg", "au", "stedt", "ingen", "hagen", "rode", "burg", "wald",
            "hofen", "weiler", "brück", "markt"]  # fmt: skip
BROOK_START = ["Erlen", "Birken", "Mühl", "Wiesen", "Hasel", "Forellen", "Kalt", "Schwarz", "Roth", "Stein",
               "Tann", "Weiden", "Fichten", "Eschen", "Krebs", "Otter", "Silber", "Lauter", "Moos", "Gold",
               "Aspen", "Dachs", "Elsen", "Hirsch"]  # fmt: skip
MAIN_RIVERS = ["Sella", "Warne", "Ilme", "Orla", "Wetra", "Rinne", "Alme", "Sulde", "Nette", "Lumme"]
KREISE = ["Hohenmark", "Oberwald", "Sellatal", "Warnegau", "Kaltenberg", "Birkenfeld-Land", "Rabenstein",
          "Ilmenhöhe", "Nettegrund", "Lerchenau"]  # fmt: skip
# (nominative, accusative, "in" + dative)
REGIONS = [("das Sellatal", "das Sellatal", "im Sellatal"),
           ("die Kaltenberger Höhe", "die Kaltenberger Höhe", "auf der Kaltenberger Höhe"),
           ("der Hohe Forst", "den Hohen Forst", "im Hohen Forst"),
           ("die Warnemarsch", "die Warnemarsch", "in der Warnemarsch"),
           ("das Birkenbrucher Land", "das Birkenbrucher Land", "im Birkenbrucher Land"),
           ("die Obere Ilmenebene", "die Obere Ilmenebene", "in der Oberen Ilmenebene"),
           ("der Rabensteiner Wald", "den Rabensteiner Wald", "im Rabensteiner Wald"),
           ("das Nettebergland", "das Nettebergland", "im Nettebergland")]  # fmt: skip
HILLS = ["Lerchenberg", "Eichkopf", "Hirschberg", "Rabenkopf", "Steinbühl", "Galgenberg", "Kahlenberg",
         "Wolfskopf", "Buchberg", "Sonnenkopf"]  # fmt: skip
DIRECTIONS = ["nördlich", "südlich", "östlich", "westlich", "nordöstlich", "nordwestlich", "südöstlich",
              "südwestlich"]  # fmt: skip
FIRST_M = ["Friedrich", "Wilhelm", "Karl", "Heinrich", "Johann", "August", "Ernst", "Otto", "Ludwig", "Hermann",
           "Georg", "Paul", "Franz", "Emil", "Gustav", "Richard"]  # fmt: skip
FIRST_F = ["Anna", "Maria", "Elisabeth", "Luise", "Margarete", "Clara", "Johanna", "Helene", "Sophie", "Auguste",
           "Emma", "Berta", "Frieda", "Martha", "Hedwig", "Charlotte"]  # fmt: skip
SURNAMES = ["Berger", "Hartmann", "Lindner", "Vogt", "Kessler", "Brandt", "Winter", "Hofmann", "Seidel", "Engel",
            "Kranz", "Reuter", "Falk", "Wendt", "Ebert", "Lorenz", "Pohl", "Sander", "Thiel", "Ullrich", "Voss",
            "Wirth", "Zeller", "Busch", "Dietz", "Haas", "Jahn", "Kühn", "Merz", "Roth"]  # fmt: skip
MONTHS = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember"]  # fmt: skip
WEEKDAYS = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"]

# (genitive, accusative, the works it left: a feminine noun)
INDUSTRIES = [("der Tuchmacherei", "die Tuchmacherei", "Tuchfabrik"), ("des Brauwesens", "das Brauwesen", "Brauerei"),
              ("der Papierherstellung", "die Papierherstellung", "Papiermühle"),
              ("des Bootsbaus", "den Bootsbau", "Bootswerft"),
              ("der Handschuhmacherei", "die Handschuhmacherei", "Handschuhfabrik"),
              ("der Gerberei", "die Gerberei", "Lederfabrik"), ("des Schieferabbaus", "den Schieferabbau", "Schiefergrube"),
              ("der Spitzenklöppelei", "die Spitzenklöppelei", "Spitzenfabrik"),
              ("des Salzhandels", "den Salzhandel", "Saline"), ("der Uhrmacherei", "die Uhrmacherei", "Uhrenfabrik"),
              ("der Seilerei", "die Seilerei", "Seilerei"), ("der Ziegelherstellung", "die Ziegelherstellung", "Ziegelei")]  # fmt: skip
PRODUCTS = ["Apfelwein", "Käse", "Honig", "Wollstoffe", "Töpferwaren", "Holz", "Äpfel", "Räucherfisch", "Eier",
            "Brot", "Blumen", "Kartoffeln"]  # fmt: skip
ECONOMY = ["der Tourismus", "der Maschinenbau", "die Lebensmittelindustrie", "der Einzelhandel", "die Logistik",
           "die Softwareentwicklung", "die Landwirtschaft", "das Gesundheitswesen", "das Druckgewerbe"]  # fmt: skip
# (dative after "mit", nominative)
LANDMARKS = [("einem mittelalterlichen Marktbrunnen", "ein mittelalterlicher Marktbrunnen"),
             ("einer spätgotischen Stadtkirche", "eine spätgotische Stadtkirche"),
             ("den Resten einer Burg", "die Reste einer Burg"), ("einem barocken Rathaus", "ein barockes Rathaus"),
             ("einer steinernen Bogenbrücke", "eine steinerne Bogenbrücke"),
             ("einem alten Gasthof", "ein alter Gasthof"), ("einer überdachten Markthalle", "eine überdachte Markthalle"),
             ("einer restaurierten Wassermühle", "eine restaurierte Wassermühle"),
             ("einer Zeile von Fachwerkhäusern", "eine Zeile von Fachwerkhäusern"),
             ("einer ehemaligen Lateinschule", "eine ehemalige Lateinschule")]  # fmt: skip
FESTIVALS = ["das Käsefest", "ein Volksmusikfest", "das Schützenfest", "das Brunnenfest", "ein Weinfest",
             "ein Lichterfest", "das Fischerfest"]  # fmt: skip
MEANINGS = ["Siedlung an einer Furt", "Rodung im Eichenwald", "Hofstelle auf dem Hügel", "Einfriedung am Bach",
            "Niederlassung im Schilf", "Wiese am Moor", "Schiffslände am Fluss"]  # fmt: skip
SAINTS = [
    "Marien",
    "Andreas",
    "Michael",
    "Petri",
    "Laurentius",
    "Margarethen",
    "Nikolai",
    "Johannis",
    "Georg",
]
EVENTS = ["Ein großer Stadtbrand", "Ein schweres Hochwasser", "Ein verheerender Sturm"]
LANDSCAPES = ["sanft hügeligem Ackerland", "offenem Moorland", "flachem, entwässertem Marschland",
              "Kalkmagerrasen und Wacholderheiden", "Wald und Weideland", "Obstwiesen und Hopfengärten"]  # fmt: skip
SOILS = [("schwer und tonig", "den Weizenanbau"), ("leicht und sandig", "den Gemüsebau"),
         ("flachgründig und steinig", "die Schafhaltung"), ("fruchtbar und lehmig", "die Milchwirtschaft")]  # fmt: skip
FISH = [
    "Bachforellen",
    "Äschen",
    "Lachse",
    "Döbel",
    "Hasel",
    "Hechte",
    "Aale",
    "Barben",
    "Elritzen",
    "Barsche",
]
BIRDS = ["Eisvögel", "Wasseramseln", "Graureiher", "Gebirgsstelzen", "Uferschwalben", "Höckerschwäne"]
ROCKS = [("Kalkstein", "hart und klar"), ("Granit", "weich und leicht sauer"),
         ("Buntsandstein", "nach Regen bräunlich"), ("Kreide", "das ganze Jahr über kalt und klar")]  # fmt: skip
HABITATS = ["Feuchtwiesen", "Röhrichte", "alten Erlenwälder", "seltenen Wasserpflanzen", "Kiesbänke"]

# profession: forms (m|f), what it is known for (after "seine/ihre"), school (dative), works (nominative),
# kind of works (dative plural), own place (accusative, relative pronoun), field (accusative)
PROFESSIONS = {
    "maler": {
        "prof": "⟨Maler|Malerin⟩",
        "known": ["Landschaftsbilder", "Porträts einfacher Leute", "großen Seestücke", "stillen Stillleben"],
        "school": ["der dortigen Kunstakademie", "der Kunstgewerbeschule"],
        "works": [
            "„Morgen am Hafen“",
            "„Heuernte bei {town}“",
            "„Die überschwemmte Wiese“",
            "„Bildnis der Mutter“",
            "„Winterlicht“",
            "„Die Fähre“",
        ],
        "things": "Gemälden",
        "place": ("ein eigenes Atelier", "das"),
        "teacher": "einen Landschaftsmaler",
        "field": "die Malerei",
        "category": "Maler",
    },
    "komponist": {
        "prof": "⟨Komponist|Komponistin⟩",
        "known": ["Chorwerke", "Lieder für Singstimme und Klavier", "Kammermusik", "Werke für Blasorchester"],
        "school": ["der dortigen Musikhochschule", "dem Konservatorium"],
        "works": [
            "die Kantate „Das versunkene Dorf“",
            "die „Abendlieder“",
            "die „Sinfonie in D-Dur“",
            "das „Streichquartett a-Moll“",
            "die „Wanderlieder“",
            "die „Messe in G“",
        ],
        "things": "Werken",
        "place": ("eine eigene Musikschule", "die"),
        "teacher": "einen Domorganisten",
        "field": "die Musik",
        "category": "Komponist",
    },
    "architekt": {
        "prof": "⟨Architekt|Architektin⟩",
        "known": [
            "Kirchen und Schulen",
            "Bahnhofsbauten",
            "öffentlichen Bibliotheken",
            "Wohnhäuser im Heimatstil",
        ],
        "school": ["der Technischen Hochschule", "der Baugewerkschule"],
        "works": [
            "das Rathaus in {town}",
            "die Stadtbibliothek in {town}",
            "die Kirche St. Georg in {town}",
            "das Empfangsgebäude des Bahnhofs {town}",
            "die Volksschule in {town}",
            "die Markthalle in {town}",
        ],
        "things": "Bauten",
        "place": ("ein eigenes Büro", "das"),
        "teacher": "einen Kirchenbaumeister",
        "field": "die Baukunst",
        "category": "Architekt",
    },
    "botaniker": {
        "prof": "⟨Botaniker|Botanikerin⟩",
        "known": [
            "Arbeiten über Moose",
            "Forschungen zu Alpenpflanzen",
            "Untersuchungen der Gräser",
            "Studien über Flechten",
        ],
        "school": ["der dortigen Universität", "dem Botanischen Garten"],
        "works": [
            "die „Flora des Landkreises {kreis}“",
            "das Handbuch „Die Moose der Heimat“",
            "die „Beiträge zur Kenntnis der Seggen“",
            "das Buch „Pflanzenleben am Wasser“",
        ],
        "things": "Schriften",
        "place": ("eine eigene Versuchsgärtnerei", "die"),
        "teacher": "einen Professor der Botanik",
        "field": "die Botanik",
        "category": "Botaniker",
    },
    "ingenieur": {
        "prof": "⟨Ingenieur|Ingenieurin⟩",
        "known": ["Eisenbrücken", "Wasserbauten", "Hafenanlagen", "Talsperren"],
        "school": ["der Technischen Hochschule", "der Gewerbeakademie"],
        "works": [
            "die Brücke über die {river} bei {town}",
            "das Wasserwerk von {town}",
            "die Hafenanlage von {town}",
            "die Talbrücke bei {town}",
            "das Pumpwerk in {town}",
        ],
        "things": "Projekten",
        "place": ("ein eigenes Ingenieurbüro", "das"),
        "teacher": "einen Eisenbahningenieur",
        "field": "die Technik",
        "category": "Ingenieur",
    },
    "schriftsteller": {
        "prof": "⟨Schriftsteller|Schriftstellerin⟩",
        "known": ["Romane aus dem Landleben", "historischen Romane", "Kinderbücher", "Kriminalromane"],
        "school": ["der dortigen Universität", "dem Lehrerseminar"],
        "works": [
            "„Die Müllerstochter“",
            "„Ein Sommer in {town}“",
            "„Der lange Weg nach Norden“",
            "„Der gläserne Garten“",
            "„Wintergäste“",
            "„Der Fährmann“",
        ],
        "things": "Büchern",
        "place": ("eine eigene Buchhandlung", "die"),
        "teacher": "einen Gymnasiallehrer",
        "field": "die Literatur",
        "category": "Schriftsteller",
    },
}

SPECIES_GROUPS = {
    "vogel": {
        "families": [
            ("Paridae", "Meisen", [("Parus", 0), ("Poecile", 1), ("Periparus", 0)]),
            ("Turdidae", "Drosseln", [("Turdus", 0), ("Zoothera", 1)]),
            ("Sylviidae", "Grasmückenartigen", [("Sylvia", 1), ("Curruca", 1)]),
            ("Fringillidae", "Finken", [("Carduelis", 1), ("Serinus", 0)]),
            ("Emberizidae", "Ammern", [("Emberiza", 1)]),
        ],
        "noun": "Vogelart",
        "plural": "Vögel",
        "size": (11, 24),
        "description": [
            "Die Vögel erreichen eine Körperlänge von ${size} Zentimetern und wiegen ${weight} bis ${weight2} Gramm.",
            "Die Oberseite ist ${colour}, Brust und Bauch sind ${colour2}.",
            "Männchen und Weibchen sehen sich ähnlich, Jungvögel sind jedoch matter gefärbt und haben noch keinen ${mark}.",
            "Der Gesang ist ein ${song}, der meist am frühen Morgen von einer erhöhten Warte vorgetragen wird.",
            "Im Flug zeigt die Art einen ${mark}, an dem sie leicht zu erkennen ist.",
        ],
        "ecology": [
            "Sie ernährt sich vor allem von ${food}, die sie im Laub und an der Rinde sucht.",
            "Im Winter schließt sie sich oft gemischten Trupps anderer Kleinvögel an.",
            "Das Nest wird ${nest} angelegt; das Weibchen legt ${eggs} Eier.",
            "Die Brutdauer beträgt etwa ${days} Tage, und beide Eltern füttern die Jungen.",
            "Während der Brutzeit von April bis Juli verteidigen die Paare ein Revier.",
        ],
        "food": [
            "Insekten und Spinnen",
            "Raupen und Blattläusen",
            "Käfern und deren Larven",
            "kleinen Schnecken",
        ],
        "nest": [
            "in einer Baumhöhle",
            "niedrig in dichtem Gebüsch",
            "im Schilf über dem Wasser",
            "am Boden unter Gras",
        ],
        "marks": ["weißen Flügelstreif", "hellen Überaugenstreif", "rostroten Fleck", "dunklen Scheitel"],
    },
    "kaefer": {
        "families": [
            ("Carabidae", "Laufkäfer", [("Carabus", 0), ("Bembidion", 2), ("Pterostichus", 0)]),
            ("Chrysomelidae", "Blattkäfer", [("Chrysolina", 1), ("Cassida", 1)]),
            ("Cerambycidae", "Bockkäfer", [("Leptura", 1), ("Rhagium", 2)]),
            ("Curculionidae", "Rüsselkäfer", [("Otiorhynchus", 0), ("Phyllobius", 0)]),
        ],
        "noun": "Käferart",
        "plural": "Käfer",
        "size": (4, 30),
        "description": [
            "Die Käfer sind ${size} Millimeter lang und ${colour} gefärbt, mit schwachem ${colour2}em Schimmer.",
            "Die Flügeldecken tragen feine Punktreihen, die Fühler sind etwa halb so lang wie der Körper.",
            "Von verwandten Arten unterscheidet sie sich durch die Form ${part}.",
            "Die Beine sind lang und schlank, weshalb die Käfer schnell laufen können.",
        ],
        "ecology": [
            "Die Käfer sind vor allem nachts aktiv und verbergen sich tagsüber unter Steinen oder Rinde.",
            "Käfer und Larven ernähren sich von ${food}.",
            "Die Larven entwickeln sich ${nest} und brauchen bis zu zwei Jahre bis zur Verpuppung.",
            "Die Käfer findet man von Mai bis August, meist ${habitat}.",
        ],
        "food": ["Schnecken", "den Blättern von Weiden", "morschem Holz", "kleinen Insekten"],
        "nest": ["in totem Holz", "im Boden", "in morschen Baumstümpfen", "an den Wurzeln von Gräsern"],
        "marks": [""],
    },
    "falter": {
        "families": [
            ("Geometridae", "Spanner", [("Eupithecia", 1), ("Idaea", 1)]),
            ("Noctuidae", "Eulenfalter", [("Agrotis", 1), ("Xestia", 1)]),
        ],
        "noun": "Schmetterlingsart",
        "plural": "Schmetterlinge",
        "size": (14, 48),
        "description": [
            "Die Flügelspannweite beträgt ${size} Millimeter.",
            "Die Vorderflügel sind ${colour} mit einer dunkleren ${mark}, die Hinterflügel sind ${colour2}.",
            "In Ruhe liegen die Flügel flach an, sodass der Falter auf Rinde oder Flechten kaum zu sehen ist.",
            "Abgeflogene Tiere sind ohne Untersuchung der Genitalien nur schwer von verwandten Arten zu unterscheiden.",
        ],
        "ecology": [
            "Die Falter fliegen in einer Generation von Juni bis August und kommen gern ans Licht.",
            "Die Raupen ernähren sich von ${food}.",
            "Die Art überwintert als Puppe ${nest}.",
            "In der Dämmerung besuchen die Falter Blüten, besonders die von Geißblatt und Lichtnelken.",
        ],
        "food": [
            "Heidekraut",
            "den Blättern der Eiche",
            "niedrigen Kräutern",
            "Gräsern",
            "den Blüten der Flockenblume",
        ],
        "nest": ["im Boden", "in der Streu", "in einem lockeren Gespinst im Moos"],
        "marks": ["Querlinie", "Binde", "Nierenmakel"],
    },
    "pflanze": {
        "families": [
            ("Ranunculaceae", "Hahnenfußgewächse", [("Ranunculus", 0), ("Anemone", 1)]),
            ("Saxifragaceae", "Steinbrechgewächse", [("Saxifraga", 1)]),
            ("Campanulaceae", "Glockenblumengewächse", [("Campanula", 1), ("Phyteuma", 2)]),
            ("Orchidaceae", "Orchideen", [("Orchis", 1), ("Dactylorhiza", 1)]),
        ],
        "noun": "Pflanzenart",
        "plural": "Pflanzen",
        "size": (10, 60),
        "description": [
            "Sie ist eine ausdauernde krautige Pflanze, die Wuchshöhen von ${size} Zentimetern erreicht.",
            "Die Blätter sind ${leaf}, die Stängel sind fein behaart.",
            "Die Blüten sind ${colour} und erscheinen von ${month1} bis ${month2}.",
            "Jede Blüte hat fünf Kronblätter und zahlreiche Staubblätter.",
            "Die Frucht ist eine kleine Kapsel mit vielen winzigen Samen.",
        ],
        "ecology": [
            "Die Blüten werden von ${food} bestäubt.",
            "Sie wächst bevorzugt ${habitat}, oft zusammen mit anderen seltenen Arten.",
            "Die Samen werden vom Wind verbreitet und keimen erst nach einem kalten Winter.",
            "Weidetiere meiden die Pflanze, die leicht giftig ist.",
        ],
        "food": ["Bienen und Schwebfliegen", "Hummeln", "kleinen Fliegen", "Nachtfaltern"],
        "nest": [""],
        "marks": [""],
    },
}
COLOURS = ["olivbraun", "schiefergrau", "blassgelb", "dunkelbraun", "rotbraun", "grünlich", "tiefblau",
           "cremeweiß", "schwarz", "bronzegrün", "violett", "ockergelb"]  # fmt: skip
SONGS = [
    "kurzer, klarer Pfiff",
    "schneller, trockener Triller",
    "hoher, dünner Ruf",
    "weicher, flötender Vers",
]
PARTS = ["des Kopfes", "des Halsschildes", "der Fühler", "der Flügeldecken"]
LEAVES = ["tief gelappt", "herzförmig", "schmal und grasartig", "in einer grundständigen Rosette angeordnet"]
SPECIES_HABITATS = ["auf feuchten Wiesen", "auf Kalkmagerrasen", "in alten Wäldern", "auf Schutthalden im Gebirge",
                    "in Küstendünen", "an Teichufern", "in Heiden und Mooren", "an felsigen Hängen"]  # fmt: skip
STATUS = ["„nicht gefährdet“ (''least concern'')", "„potenziell gefährdet“ (''near threatened'')",
          "„gefährdet“ (''vulnerable'')", "„stark gefährdet“ (''endangered'')"]  # fmt: skip
EPITHETS = ["montan", "silvestr*", "palustr*", "minor#", "ochrace", "rufescens#", "alpin", "boreal*", "obscur",
            "variegat", "fusc", "pallid", "oriental*", "maculat", "nigr", "virescens#", "tenu", "caerule",
            "lacustr*", "rupestr*", "hirsut", "gracil*", "elegans#", "germanic"]  # fmt: skip

# kind: (title, bold name, article before it, gender, what it is (nominative), noun, old?, damage (accusative),
#        history, architecture, present day)
BUILDINGS = {
    "kirche": (
        "St. {saint} ({town})",
        "St. {saint}",
        "",
        1,
        "die ${konfession} Stadtkirche von [[${town}]]",
        "Kirche",
        True,
        "einen Brand",
        [
            "Im 15. Jahrhundert wurde der Turm erhöht und ein neues Geläut angeschafft.",
            "Während der Reformation wurde die Kirche evangelisch; die Ausstattung blieb dabei weitgehend erhalten.",
        ],
        [
            "Die Kirche ist aus ${material} errichtet und besitzt einen etwa ${height} Meter hohen Westturm.",
            "Im Inneren trennen Arkaden mit ${arches} Jochen das Mittelschiff von den Seitenschiffen.",
            "Die Glasfenster im Chor entstanden in den ${glass_decade}.",
            "Der Taufstein ist älter als der heutige Bau und stammt vermutlich aus dem 12. Jahrhundert.",
        ],
        [
            "Die Kirche wird weiterhin für Gottesdienste genutzt und ist tagsüber geöffnet.",
            "Im Sommer finden in der Kirche regelmäßig Konzerte statt.",
        ],
    ),
    "rathaus": (
        "Rathaus {town}",
        "Rathaus {town}",
        "Das ",
        2,
        "der Sitz der Stadtverwaltung von [[${town}]]",
        "Rathaus",
        False,
        "einen Brand",
        [
            "${closed} zog die Verwaltung in einen Neubau um, und das Rathaus wurde an Vereine vermietet.",
            "${clock_year} erhielt der Turm eine Uhr, die durch Spenden der Bürger finanziert wurde.",
        ],
        [
            "Das Rathaus ist ein ${storeys}geschossiger Bau aus ${material} mit einem Uhrturm über dem Eingang.",
            "Im Erdgeschoss befand sich ursprünglich eine offene Markthalle, darüber der Ratssaal.",
            "Die Hauptfassade hat im Obergeschoss ${arches} hohe Rundbogenfenster.",
            "Der Ratssaal besitzt noch seine ursprüngliche Holzvertäfelung und eine bemalte Decke.",
        ],
        [
            "Das Gebäude ist bis heute Sitz des Stadtrats; der Festsaal wird für Trauungen und Konzerte genutzt.",
            "Eine kleine Ausstellung im Erdgeschoss erläutert die Geschichte von [[${town}]].",
        ],
    ),
    "bruecke": (
        "Steinerne Brücke ({town})",
        "Steinerne Brücke",
        "Die ",
        1,
        "eine Straßenbrücke über die [[${river}]] in [[${town}]]",
        "Brücke",
        False,
        "ein Hochwasser",
        [
            "Bis ${closed_toll} wurde für die Überquerung ein Brückenzoll erhoben.",
            "Um den wachsenden Verkehr aufzunehmen, wurde die Brücke auf der flussabwärts gelegenen Seite verbreitert.",
        ],
        [
            "Die Brücke hat ${arches} Bögen und ist insgesamt etwa ${span} Meter lang.",
            "Sie führt die Landesstraße ${road} über die ${river}.",
            "Die Pfeiler sind durch spitze Vorköpfe gegen Eisgang und Hochwasser geschützt.",
            "Die Brüstungen wurden im 20. Jahrhundert mit Steinen aus demselben Bruch erneuert.",
        ],
        [
            "${restored} wurde die Brücke verstärkt, damit sie den heutigen Verkehr tragen kann.",
            "In den 1990er Jahren entstand daneben ein Steg für Fußgänger und Radfahrer.",
        ],
    ),
    "burg": (
        "Burg {town}",
        "Burg {town}",
        "Die ",
        1,
        "die Ruine einer Höhenburg oberhalb von [[${town}]]",
        "Burg",
        True,
        "eine Belagerung",
        [
            "Im [[Dreißigjähriger Krieg|Dreißigjährigen Krieg]] wurde die Burg belagert und danach teilweise geschleift.",
            "Die Bewohner von [[${town}]] nutzten die verfallenen Mauern später als Steinbruch.",
        ],
        [
            "Die Burg liegt auf einem Felssporn über dem Tal der ${river}.",
            "Von der ursprünglichen Anlage sind der Bergfried und Teile der Ringmauer erhalten.",
            "Das Torhaus mit seinen beiden Rundtürmen wurde im ${century}. Jahrhundert hinzugefügt.",
            "Der Bergfried ist etwa ${height} Meter hoch, seine Mauern sind über drei Meter dick.",
        ],
        [
            "Die Ruine wird von einem Förderverein betreut und ist öffentlich zugänglich.",
            "Im Sommer finden im Burghof Freilichtaufführungen statt.",
        ],
    ),
    "windmuehle": (
        "Windmühle {town}",
        "Windmühle {town}",
        "Die ",
        1,
        "eine Turmwindmühle bei [[${town}]]",
        "Windmühle",
        False,
        "einen Sturm",
        [
            "${closed} wurde der Mahlbetrieb eingestellt, nachdem ein Sturm die Flügel beschädigt hatte.",
            "Zeitweise trieb eine Dampfmaschine die Mühle an, wenn der Wind nicht ausreichte.",
        ],
        [
            "Die Mühle ist ein ${height} Meter hoher Turm aus ${material}, dessen Kappe in den Wind gedreht wurde.",
            "Sie hatte vier Flügel und trieb drei Mahlgänge an.",
            "Die Kappe hat die Form eines umgedrehten Bootes und wird von einer Windrose gedreht.",
        ],
        [
            "${restored} erhielt die Mühle neue Flügel; an Mühlentagen wird wieder Mehl gemahlen.",
            "An den Wochenenden im Sommer kann die Mühle besichtigt werden.",
        ],
    ),
    "bahnhof": (
        "Bahnhof {town}",
        "Bahnhof {town}",
        "Der ",
        0,
        "ein Bahnhof an der Strecke nach [[${city}]]",
        "Bahnhof",
        False,
        "einen Brand",
        [
            "${closed} wurde der Güterverkehr eingestellt; auf dem Gelände des Güterbahnhofs befindet sich heute ein Parkplatz.",
            "Der Bahnhof wurde von einer privaten Bahngesellschaft eröffnet, die später verstaatlicht wurde.",
        ],
        [
            "Das Empfangsgebäude ist ein eingeschossiger Bau aus ${material} mit einem Vordach über dem Bahnsteig.",
            "${dir_cap} des Bahnhofs standen ein Güterschuppen und ein Stellwerk.",
            "Das Vordach ruht auf gusseisernen Säulen mit verzierten Konsolen.",
        ],
        [
            "Die Züge halten weiterhin, ein Teil des Empfangsgebäudes beherbergt heute ein Café.",
            "Ehrenamtliche pflegen die Beete auf den Bahnsteigen.",
        ],
    ),
    "bibliothek": (
        "Stadtbibliothek {town}",
        "Stadtbibliothek {town}",
        "Die ",
        1,
        "die öffentliche Bibliothek von [[${town}]]",
        "Bibliothek",
        False,
        "einen Brand",
        [
            "Die Baukosten wurden zum Teil durch eine Stiftung eines örtlichen Fabrikanten gedeckt.",
            "${clock_year} kam eine Kinderbibliothek hinzu.",
        ],
        [
            "Die Bibliothek ist ein Bau aus ${material} mit einem von oben belichteten Lesesaal unter einer Kuppel.",
            "Über dem Eingang ist ein Relief mit dem Stadtwappen angebracht.",
            "Der Lesesaal hat noch seine ursprünglichen Eichenregale und eine Galerie mit Wendeltreppe.",
        ],
        [
            "Die Bibliothek verleiht weiterhin Bücher und bietet außerdem Computerarbeitsplätze und eine heimatkundliche Abteilung.",
            "Lesekreise und Kurse für Erwachsene treffen sich wöchentlich im Gebäude.",
        ],
    ),
    "leuchtturm": (
        "Leuchtturm {town}",
        "Leuchtturm {town}",
        "Der ",
        0,
        "ein Leuchtturm an der Hafeneinfahrt von [[${town}]]",
        "Leuchtturm",
        False,
        "einen Sturm",
        [
            "${closed} wurde das Leuchtfeuer automatisiert, und die letzten Wärter verließen die Station.",
            "${clock_year} kam ein Nebelhorn hinzu.",
        ],
        [
            "Der Turm ist ${height} Meter hoch und aus ${material} gebaut.",
            "Sein Licht war bis zu ${range} Seemeilen weit auf See zu sehen.",
            "Die Wärter wohnten in einer Reihe kleiner Häuser am Fuß des Turms.",
        ],
        [
            "Die Wärterhäuser sind heute Ferienwohnungen, und der Turm kann im Sommer bestiegen werden.",
            "Das Leuchtfeuer ist noch in Betrieb und wird aus einer entfernten Zentrale überwacht.",
        ],
    ),
}
MATERIALS = ["Kalkstein", "rotem Backstein", "Granit", "gelbem Sandstein", "Bruchstein mit Werksteingliederung",
             "Backstein und Terrakotta", "Quadermauerwerk"]  # fmt: skip


def demonym(town: str) -> str:
    """Lindenfeld -> Lindenfelder, Birkenau -> Birkenauer, Eichingen -> Eichinger."""
    if town.endswith("en"):
        return town[:-2] + "er"
    return town + ("r" if town.endswith("e") else "er")


def language() -> Language:
    names = Names(random.Random(0))

    def town(rng: random.Random, unique: bool = False) -> str:
        return names.make(lambda: rng.choice(TOWN_START) + rng.choice(TOWN_END), unique)

    def person_name(rng: random.Random, gender: int) -> str:
        return f"{rng.choice(FIRST_F if gender else FIRST_M)} {rng.choice(SURNAMES)}"

    def common(rng: random.Random) -> dict:
        region, region_acc, in_region = rng.choice(REGIONS)
        direction = rng.choice(DIRECTIONS)
        return {
            "kreis": rng.choice(KREISE), "region": region, "region_acc": region_acc, "in_region": in_region,
            "city": town(rng), "city2": town(rng), "dir": direction, "dir_cap": direction.capitalize(),
            "mainriver": rng.choice(MAIN_RIVERS), "gender": 0,
        }  # fmt: skip

    def make_town(rng: random.Random) -> dict:
        name = town(rng, unique=True)
        (industry, industry_acc, works), (industry2, _, _) = rng.sample(INDUSTRIES, 2)
        econ, econ2 = rng.sample(ECONOMY, 2)
        product, product2 = rng.sample(PRODUCTS, 2)
        (landmark, landmark_nom), (_, landmark2_nom) = rng.sample(LANDMARKS, 2)
        soil, crop = rng.choice(SOILS)
        population = rng.randint(900, 48000)
        c = common(rng)
        c.update({
            "title": name, "name": name, "slug": name.lower(), "demonym": demonym(name),
            "pop": number(population, "de"), "popyear": rng.choice([2011, 2020, 2021]),
            "dist": rng.randint(6, 45), "elev": rng.randint(5, 480), "bank": rng.choice(["linken", "rechten"]),
            "meaning": rng.choice(MEANINGS), "early_year": rng.randint(960, 1250),
            "early_century": rng.randint(8, 11), "charter": rng.randint(1250, 1480),
            "weekday": rng.choice(WEEKDAYS), "century": rng.randint(14, 18), "industry": industry,
            "industry_acc": industry_acc, "industry2": industry2, "works": works,
            "event": rng.choice(EVENTS), "event_year": rng.randint(1540, 1790),
            "railway": f"{rng.choice(MAIN_RIVERS)}talbahn", "rail_year": rng.randint(1850, 1900),
            "reform": rng.randint(1969, 1975), "landscape": rng.choice(LANDSCAPES),
            "bridges": rng.choice(["zwei", "drei", "vier"]), "bridge_century": rng.randint(13, 18),
            "soil": soil, "crop": crop, "hill": rng.choice(HILLS), "hill_height": rng.randint(280, 820),
            "flood_year": rng.randint(1890, 2013), "econ": econ, "econ2": econ2, "product": product,
            "product2": product2, "firms": rng.randint(20, 140), "minutes": rng.randint(15, 55),
            "trail": f"{rng.choice(MAIN_RIVERS)}steig", "saint": rng.choice(SAINTS),
            "konfession": rng.choice(["evangelische", "katholische"]), "spire": rng.choice(["Turm", "Westturm"]),
            "bells": rng.choice(["drei", "vier", "fünf", "sechs"]), "landmark": landmark,
            "landmark_nom": landmark_nom, "landmark2_nom": landmark2_nom,
            "museum_building": rng.choice(["Kornspeicher", "Schulhaus", "Amtshaus", "Lagerhaus", "Zollhaus"]),
            "month": rng.choice(MONTHS), "festival": rng.choice(FESTIVALS),
            "paper": rng.choice(["Anzeiger", "Bote", "Kurier", "Beobachter"]), "paper_year": rng.randint(1840, 1905),
            "freq": rng.choice([30, 60, 120]), "closed_year": rng.randint(1955, 1995),
            "road": f"L {rng.randint(100, 999)}", "bypass_year": rng.randint(1970, 2012),
            "category": "Ort im Landkreis ${kreis}",
            "infobox": f"{{{{Infobox Gemeinde in Deutschland\n| Name = {name}\n| Einwohner = {population}\n"
                       f"| Landkreis = {c['kreis']}\n}}}}",
        })  # fmt: skip
        return c

    def make_river(rng: random.Random) -> dict:
        title = names.make(lambda: f"{rng.choice(BROOK_START)}bach ({rng.choice(MAIN_RIVERS)})")
        name, mouth = title[:-1].split(" (")
        rock, quality = rng.choice(ROCKS)
        fish = rng.sample(FISH, 3)
        birds = rng.sample(BIRDS, 2)
        c = common(rng)
        c["mainriver"] = mouth
        tribs = [f"{start}bach" for start in rng.sample([b for b in BROOK_START if f"{b}bach" != name], 3)]
        length = rng.randint(8, 60)
        c.update({
            "title": title, "name": name, "slug": name.lower(), "mouth": c["mainriver"],
            "side": rng.choice(["linker", "rechter"]), "source": rng.choice(HILLS), "length": length,
            "area": number(length * rng.randint(3, 10), "de"), "town1": town(rng), "town2": town(rng), "town3": town(rng),
            "trib1": tribs[0], "trib2": tribs[1], "trib3": tribs[2], "src_elev": rng.randint(320, 840),
            "mouth_elev": rng.randint(60, 300), "flow": f"{rng.randint(0, 9)},{rng.randint(1, 9)}",
            "rise": rng.randint(2, 4), "flood_year": rng.randint(1894, 2016), "rock": rock, "water_quality": quality,
            "mills": rng.randint(4, 30), "nav_end": rng.randint(1860, 1925), "reservoir_year": rng.randint(1900, 1975),
            "fish1": fish[0], "fish2": fish[1], "fish3": fish[2], "birds1": birds[0], "birds2": birds[1],
            "otter_decade": rng.choice(["1990er Jahren", "2000er Jahren", "2010er Jahren"]),
            "habitat": rng.choice(HABITATS),
            "valley_feature": rng.choice(["Auenwiesen", "alten Mühlen", "Streuobstwiesen", "Kalkfelsen"]),
            "category": "Fluss im Landkreis ${kreis}",
            "infobox": f"{{{{Infobox Fluss\n| NAME = {name}\n| LÄNGE = {length}\n| MÜNDUNG = {c['mainriver']}\n}}}}",
        })  # fmt: skip
        return c

    def make_species(rng: random.Random) -> dict:
        kind = rng.choice(list(SPECIES_GROUPS))
        group = SPECIES_GROUPS[kind]
        family, family_de, genus, describer, binomial = species_name(
            rng, names, group["families"], EPITHETS, SURNAMES
        )
        low, high = group["size"]
        size = rng.randint(low, high)
        colour, colour2 = rng.sample(COLOURS, 2)
        month1 = rng.randint(2, 7)
        described = rng.randint(1758, 1935)
        habitat, habitat2 = rng.sample(SPECIES_HABITATS, 2)
        c = common(rng)
        c.update({
            "title": binomial, "binomial": binomial, "slug": binomial.lower().replace(" ", "-"), "genus": genus,
            "family": family, "family_de": family_de, "noun": group["noun"], "plural": group["plural"],
            "describer": describer, "described": described, "size": f"{size} bis {size + rng.randint(2, 6)}",
            "weight": rng.randint(8, 20), "weight2": rng.randint(21, 60), "colour": colour, "colour2": colour2,
            "mark": rng.choice(group["marks"]), "song": rng.choice(SONGS), "food": rng.choice(group["food"]),
            "nest": rng.choice(group["nest"]), "eggs": rng.choice(["drei bis fünf", "vier bis sieben", "fünf oder sechs"]),
            "days": rng.randint(11, 16), "part": rng.choice(PARTS), "leaf": rng.choice(LEAVES),
            "month1": MONTHS[month1], "month2": MONTHS[month1 + rng.randint(1, 3)], "habitat": habitat,
            "habitat2": habitat2, "status": rng.choice(STATUS), "altitude": number(rng.randint(300, 2200), "de"),
            "category": f"{group['plural']}",
            "infobox": f"{{{{Taxobox\n| Taxon_WissName = {binomial}\n| Taxon_Rang = Art\n"
                       f"| Taxon_Autor = {describer}, {described}\n}}}}",
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
        places = {"town": town(rng), "kreis": c["kreis"], "river": c["mainriver"]}
        works = [w.format(**places) for w in rng.sample(p["works"], 3)]
        children, went = rng.choice([("zwei Kinder", "gingen"), ("drei Kinder", "gingen"), ("ein Sohn", "ging"),
                                     ("eine Tochter", "ging"), ("vier Kinder", "gingen")])  # fmt: skip
        place, relative = p["place"]
        c.update({
            "title": full, "full": full, "first": full.split()[0], "last": full.split()[1], "gender": gender,
            "slug": full.lower().replace(" ", "-"), "prof": p["prof"], "known": rng.choice(p["known"]),
            "school": rng.choice(p["school"]), "work1": works[0], "work2": works[1], "work3": works[2],
            "things": p["things"], "place": place, "relative": relative, "teacher": p["teacher"], "field": p["field"],
            "teacher_name": person_name(rng, 0),
            "birth": f"{rng.randint(1, 28)}. {rng.choice(MONTHS)} {born}", "born": born,
            "death": f"{rng.randint(1, 28)}. {rng.choice(MONTHS)} {died}", "died": died,
            "birthplace": town(rng), "deathplace": rng.choice([town(rng), c["city"]]),
            "parent_job": rng.choice(["Lehrers", "Landwirts", "Müllers", "Pfarrers", "Kaufmanns", "Arztes",
                                      "Bahnbeamten", "Tischlers"]),
            "siblings": rng.choice(["drei", "vier", "fünf", "sechs", "sieben"]),
            "ordinal": rng.choice(["ältestes", "zweites", "drittes", "jüngstes"]),
            "move_year": born + rng.randint(17, 24), "first_year": born + rng.randint(24, 32),
            "peak_year": born + rng.randint(33, 45), "late_year": min(born + rng.randint(46, 60), died - 1),
            "spouse": person_name(rng, 1 - gender), "marry_year": born + rng.randint(23, 35),
            "children": children, "went": went,
            "society": rng.choice(["des örtlichen Heimatvereins", "des Geschichtsvereins im Landkreis ${kreis}",
                                   "des Vereins für Denkmalpflege", "des Kunstvereins in [[${city}]]"]),
            "exhibit_year": min(died + rng.randint(5, 60), 2021),
            "category": f"{p['category']} (Deutschland)",
        })  # fmt: skip
        c["society"] = c["society"].replace("${kreis}", c["kreis"]).replace("${city}", c["city"])
        return c

    def make_building(rng: random.Random) -> dict:
        kind = rng.choice(list(BUILDINGS))
        pattern, bold, art, gender, what, noun, old, damage, history, architecture, present = BUILDINGS[kind]
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
        direction = rng.choice(DIRECTIONS)
        architect_line = (
            []
            if old
            else ["Die Pläne stammten von ${architect}; die Baukosten beliefen sich auf rund ${cost} Mark."]
        )
        c.update({
            "title": title, "bold": bold.format(**chosen), "art": art, "gender": gender,
            "slug": title.lower().replace(" ", "-").replace(".", "").replace("(", "").replace(")", ""),
            "noun": noun, "town": chosen["town"], "saint": chosen["saint"], "built": built, "damage": damage,
            "damaged": damaged, "rebuilt": damaged + rng.randint(1, 4), "closed": closed, "restored": restored,
            "restored_end": restored + rng.randint(2, 6), "closed_toll": min(built + rng.randint(10, 60), max(built + 5, 1925)),
            "clock_year": rng.randint(max(built, 1850), 1930), "architect": person_name(rng, 0),
            "material": rng.choice(MATERIALS), "cost": number(rng.randint(2, 90) * 1000, "de"),
            "height": rng.randint(12, 58), "span": rng.randint(18, 120),
            "arches": rng.choice(["drei", "fünf", "sieben"]), "storeys": rng.choice(["zwei", "drei"]),
            "range": rng.randint(12, 24), "river": c["mainriver"], "road": f"L {rng.randint(100, 999)}",
            "glass_decade": rng.choice(["1860er Jahren", "1880er Jahren", "1890er Jahren", "1920er Jahren"]),
            "konfession": rng.choice(["evangelische", "katholische"]), "century": rng.randint(13, 15),
            "dir_cap": direction.capitalize(), "protected_year": rng.randint(1975, 1995),
            "history": [
                "⟨Der erste|Die erste|Das erste⟩ ${noun} an dieser Stelle entstand ${built} und ersetzte einen älteren Bau.",
                *architect_line,
                "${damaged} wurde ⟨der|die|das⟩ ${noun} durch ${damage} schwer beschädigt und bis ${rebuilt} wiederhergestellt.",
                *history,
                "Ein Förderverein setzte sich für den Erhalt ein; zwischen ${restored} und ${restored_end} wurde ⟨der|die|das⟩ ${noun} umfassend saniert.",
            ],
            "architecture": [*architecture, "Seit ${protected_year} steht ⟨der|die|das⟩ ${noun} unter [[Denkmalschutz]]."],
            "present": present,
            "category": f"{noun} im Landkreis ${{kreis}}",
        })  # fmt: skip
        c["what"] = what.replace("${town}", c["town"]).replace("${konfession}", c["konfession"])
        c["what"] = c["what"].replace("${river}", c["river"]).replace("${city}", c["city"])
        c["infobox"] = f"{{{{Infobox Bauwerk\n| Name = {c['bold']}\n| Baujahr = {built}\n}}}}"
        return c

    town_topic = Topic(
        make=make_town,
        lead=[
            "'''${name}''' ist eine Kleinstadt im Landkreis ${kreis} an der [[${mainriver}]].",
            "'''${name}''' ist eine Stadt ${in_region}, etwa ${dist} Kilometer ${dir} von [[${city}]].",
            "'''${name}''' ist eine Landgemeinde im Landkreis ${kreis}, die bis ${reform} den Status einer Stadt hatte.",
        ],
        lead_more=[
            "Die Stadt hat ${pop} Einwohner (Stand ${popyear}).",
            "Der Ort entstand an einer Furt durch die ${mainriver} und war jahrhundertelang ein Zentrum ${industry}.",
            "Sie liegt etwa ${dist} Kilometer ${dir} von [[${city}]].",
            "Die Altstadt mit ${landmark} steht unter [[Denkmalschutz]].",
        ],
        sections=[
            (
                "Geschichte",
                [
                    "Der Ortsname geht vermutlich auf eine ${meaning} zurück.",
                    "Der Ort wurde im Jahr ${early_year} erstmals urkundlich erwähnt.",
                    "Bereits im ${early_century}. Jahrhundert bestand hier eine kleine Siedlung mit einer hölzernen Kirche.",
                    "${charter} erhielt der Ort das [[Marktrecht]], das einen Wochenmarkt am ${weekday} erlaubte.",
                    "Im ${century}. Jahrhundert gelangte die Stadt durch ${industry_acc} zu Wohlstand; viele Steinhäuser im Zentrum stammen aus dieser Zeit.",
                    "${event} im Jahr ${event_year} zerstörte große Teile der Altstadt, die danach in Backstein wiederaufgebaut wurde.",
                    "Mit dem Anschluss an die ${railway} im Jahr ${rail_year} siedelten sich neue Betriebe an, und die Einwohnerzahl verdoppelte sich binnen dreißig Jahren.",
                    "Nach dem Niedergang ${industry2} zu Beginn des 20. Jahrhunderts wanderten viele Familien nach [[${city}]] ab.",
                    [
                        "Im [[Zweiter Weltkrieg|Zweiten Weltkrieg]] nahm die Stadt mehrere hundert Evakuierte aus den Großstädten auf.",
                        "Während des [[Zweiter Weltkrieg|Zweiten Weltkriegs]] wurde ${dir} der Stadt ein Flugplatz angelegt.",
                    ],
                    "Im Zuge der Gebietsreform wurden ${reform} mehrere umliegende Dörfer eingemeindet.",
                    "Seit den 1970er Jahren entstanden am Stadtrand neue Wohngebiete, und die Einwohnerzahl wächst stetig.",
                ],
                3,
                6,
            ),
            (
                "Geografie",
                [
                    "${name} liegt auf einer Höhe von etwa ${elev} Metern am ${bank} Ufer der ${mainriver}.",
                    "Die Umgebung ist überwiegend von ${landscape} geprägt, mit verstreuten Höfen und kleinen Wäldern.",
                    "Im Stadtgebiet führen ${bridges} Brücken über die ${mainriver}; die älteste stammt aus dem ${bridge_century}. Jahrhundert.",
                    "Die Böden in der Umgebung sind ${soil}, was die Gegend für ${crop} geeignet machte.",
                    "${dir_cap} der Stadt erhebt sich der ${hill}, der eine Höhe von ${hill_height} Metern erreicht.",
                    "Das Klima ist mild und feucht; die meisten Niederschläge fallen zwischen Oktober und Januar.",
                    "Hochwasser ist ein wiederkehrendes Problem; nach der Flut von ${flood_year} wurden die Deiche erhöht.",
                ],
                2,
                4,
            ),
            (
                "Wirtschaft",
                [
                    "Die wichtigsten Wirtschaftszweige sind heute ${econ} und ${econ2}.",
                    "Auf dem Marktplatz findet weiterhin ein Wochenmarkt statt, auf dem Erzeuger aus der Umgebung ${product} und ${product2} verkaufen.",
                    "Die Gebäude der ehemaligen ${works} am Fluss wurden zu Wohnungen und Werkstätten umgebaut.",
                    "In einem Gewerbegebiet am Stadtrand haben sich rund ${firms} kleinere Betriebe angesiedelt.",
                    "Viele Einwohner pendeln nach [[${city}]], das mit dem Auto in etwa ${minutes} Minuten erreichbar ist.",
                    "Der Fremdenverkehr hat seit den 1990er Jahren zugenommen, wozu auch der Fernwanderweg ${trail} beiträgt, der durch die Stadt führt.",
                ],
                2,
                4,
            ),
            (
                "Kultur und Sehenswürdigkeiten",
                [
                    "Die ${konfession} Stadtkirche [[St. ${saint} (${name})|St. ${saint}]] besitzt einen hohen ${spire} und ein Geläut aus ${bells} Glocken.",
                    "Zu den weiteren Sehenswürdigkeiten gehören ${landmark_nom} und ${landmark2_nom}.",
                    "Das Heimatmuseum in einem ehemaligen ${museum_building} erinnert an die Geschichte ${industry}.",
                    "Jedes Jahr im ${month} feiert die Stadt ${festival}, das Besucher aus der ganzen Region anzieht.",
                    "Die Stadt hat einen Fußballverein, einen Turnverein und einen Ruderclub an der ${mainriver}.",
                    "Die Lokalzeitung, der ''${demonym} ${paper}'', wurde ${paper_year} gegründet.",
                ],
                2,
                4,
            ),
            (
                "Verkehr",
                [
                    [
                        "Der Bahnhof ${name} liegt an der Strecke von [[${city}]] nach [[${city2}]] und wird im ${freq}-Minuten-Takt bedient.",
                        "Der Personenverkehr auf der Bahnstrecke wurde ${closed_year} eingestellt; der nächste Bahnhof befindet sich in [[${city}]].",
                    ],
                    "Durch die Stadt führt die Landesstraße ${road}; seit ${bypass_year} gibt es eine Ortsumgehung.",
                    "Buslinien verbinden die Stadt mit den umliegenden Dörfern und mit [[${city}]].",
                    "Bis ins 19. Jahrhundert war die ${mainriver} bis ${name} schiffbar, und Lastkähne brachten ${product} flussabwärts.",
                ],
                1,
                3,
            ),
        ],
        see_also=["Liste der Orte im Landkreis ${kreis}", "${mainriver}"],
        citations=["de-wandern"],
    )

    river_topic = Topic(
        make=make_river,
        lead=[
            "Der '''${name}''' ist ein etwa ${length} Kilometer langer, ${side} Nebenfluss der [[${mouth}]] im Landkreis ${kreis}.",
            "Der '''${name}''' ist ein Bach ${in_region}, der am ${source} entspringt und nach etwa ${length} Kilometern bei [[${town1}]] in die [[${mouth}]] mündet.",
            "Der '''${name}''' ist ein ${length} Kilometer langer Bach ${in_region}, bekannt für die ${valley_feature} seines Tals.",
        ],
        lead_more=[
            "Sein [[Einzugsgebiet]] umfasst rund ${area} Quadratkilometer.",
            "Auf seinem Weg passiert er die Orte [[${town2}]] und [[${town3}]].",
            "Das Tal des ${name}s ist wegen seiner ${valley_feature} ein beliebtes Wandergebiet.",
        ],
        sections=[
            (
                "Verlauf",
                [
                    "Der ${name} entspringt in etwa ${src_elev} Metern Höhe in einem Quellmoor am ${source}.",
                    "In seinem Oberlauf fließt er rasch durch ein enges, bewaldetes Tal, wo ihm der ${trib1} zufließt.",
                    "Unterhalb von [[${town2}]] weitet sich das Tal, und der Bach schlängelt sich in weiten Bögen durch die Wiesen.",
                    "Bei [[${town3}]] quert ihn eine mittelalterliche Steinbrücke mit mehreren Bögen.",
                    "Seine wichtigsten Zuflüsse sind der ${trib1}, der ${trib2} und der ${trib3}.",
                    "Der ${name} mündet auf etwa ${mouth_elev} Metern Höhe in die ${mouth}.",
                ],
                3,
                5,
            ),
            (
                "Hydrologie",
                [
                    "Am Pegel [[${town2}]] beträgt der mittlere Abfluss etwa ${flow} Kubikmeter pro Sekunde.",
                    "Die Wasserführung schwankt stark mit den Jahreszeiten; nach Starkregen kann der Pegel um mehr als ${rise} Meter steigen.",
                    "Mehrmals hat der Bach [[${town2}]] überflutet, am schwersten im Jahr ${flood_year}.",
                    "Da ein großer Teil des Einzugsgebiets auf ${rock} liegt, ist das Wasser ${water_quality}.",
                    "Die Wasserqualität ist im Allgemeinen gut, doch die Landwirtschaft im unteren Tal trägt Nitrat ein.",
                ],
                2,
                3,
            ),
            (
                "Geschichte",
                [
                    "Im Mittelalter trieb der ${name} mindestens ${mills} [[Wassermühle]]n an, die Getreide mahlten und später Tuch walkten.",
                    "Im 18. Jahrhundert wurden mehrere Wehre angelegt, um den Unterlauf für die Flößerei nutzbar zu machen.",
                    "Die Flößerei auf dem Bach endete im Jahr ${nav_end}.",
                    "Einige der alten Mühlen wurden restauriert; eine von ihnen mahlt noch heute Mehl für den Verkauf.",
                    "${reservoir_year} wurde im oberen Tal eine Talsperre gebaut, die [[${city}]] mit Trinkwasser versorgt.",
                ],
                2,
                4,
            ),
            (
                "Ökologie",
                [
                    "Im ${name} leben ${fish1}, ${fish2} und ${fish3}.",
                    "An seinen Ufern sind regelmäßig ${birds1} und ${birds2} zu beobachten.",
                    "In den ${otter_decade} kehrte der [[Fischotter]] nach jahrzehntelanger Abwesenheit an den Bach zurück.",
                    "Teile des Tals stehen wegen ihrer ${habitat} unter Naturschutz.",
                    "Mitglieder eines örtlichen Angelvereins sammeln jedes Frühjahr Müll und messen die Wasserqualität.",
                ],
                2,
                4,
            ),
            (
                "Freizeit",
                [
                    "Ein Wanderweg folgt dem Bach auf dem größten Teil seiner Länge.",
                    "Der Bach ist bei Anglern beliebt; sein Unterlauf wird auch von Kanuten befahren.",
                    "In [[${town2}]] wurde auf dem Gelände eines früheren Gaswerks ein Uferpark angelegt.",
                ],
                1,
                2,
            ),
        ],
        see_also=["Liste der Flüsse im Landkreis ${kreis}", "${mouth}"],
        citations=[],
    )

    species_topic = Topic(
        make=make_species,
        lead=[
            "'''''${binomial}''''' ist eine ${noun} aus der Familie der ${family_de} (${family}).",
            "'''''${binomial}''''' ist eine ${noun} aus der Familie der [[${family}]], die ${habitat} ${in_region} vorkommt.",
        ],
        lead_more=[
            "Die Art wurde ${described} von ${describer} erstmals beschrieben.",
            "Sie gehört zu den weniger bekannten Vertretern der Gattung ''[[${genus}]]''.",
            "In der Roten Liste der [[IUCN]] wird sie als ${status} geführt.",
        ],
        sections=[
            (
                "Systematik",
                [
                    "Die Art wurde ${described} von ${describer} anhand von Exemplaren aus der Umgebung von [[${city}]] beschrieben.",
                    "Das [[Typusexemplar]] befindet sich im Naturkundemuseum in [[${city}]].",
                    "Einige Autoren betrachteten sie als [[Unterart]] einer weiter verbreiteten Verwandten, genetische Untersuchungen stützen jedoch den Artstatus.",
                    "Unterarten werden derzeit nicht unterschieden.",
                ],
                1,
                3,
            ),
            ("Merkmale", "@description", 2, 4),
            (
                "Verbreitung und Lebensraum",
                [
                    "Die Art kommt ${in_region} vor und steigt bis in Höhen von ${altitude} Metern.",
                    "Sie lebt vor allem ${habitat}, man findet sie aber auch ${habitat2}.",
                    "Einzelne Vorkommen sind aus dem Landkreis ${kreis} bekannt, wo sie erst im 20. Jahrhundert entdeckt wurde.",
                    "In den letzten Jahrzehnten hat sich ihr Areal offenbar nach Norden verschoben, möglicherweise infolge wärmerer Sommer.",
                ],
                2,
                3,
            ),
            ("Lebensweise", "@ecology", 2, 3),
            (
                "Gefährdung und Schutz",
                [
                    "Die [[IUCN]] stuft die Art als ${status} ein.",
                    "Örtlich ist sie durch die Entwässerung von Feuchtgebieten und den Verlust alter Bäume bedroht.",
                    "Zählungen durch Ehrenamtliche zeigen seit den 1980er Jahren einen langsamen Rückgang.",
                    "Ein Teil ihres Lebensraums ist in einem Naturschutzgebiet bei [[${city2}]] geschützt.",
                ],
                1,
                3,
            ),
        ],
        see_also=["Liste der ${plural} in Deutschland", "${family}"],
        citations=["de-stadtbaeume"],
    )

    person_topic = Topic(
        make=make_person,
        lead=[
            "'''${full}''' (* ${birth} in [[${birthplace}]]; † ${death} in [[${deathplace}]]) war ⟨ein deutscher|eine deutsche⟩ ${prof}.",
            "'''${full}''' (* ${born} in [[${birthplace}]]; † ${died}) war ⟨ein deutscher|eine deutsche⟩ ${prof}, ⟨der|die⟩ vor allem in [[${city}]] wirkte.",
        ],
        lead_more=[
            "⟨Er|Sie⟩ wurde vor allem durch ${work1} bekannt.",
            "⟨Er|Sie⟩ ist bekannt für ⟨seine|ihre⟩ ${known}.",
            "⟨Er|Sie⟩ gehörte zu den Gründern ${society}.",
        ],
        sections=[
            (
                "Leben",
                [
                    "${first} ${last} wurde in [[${birthplace}]] als ${ordinal} von ${siblings} Kindern eines ${parent_job} geboren.",
                    "⟨Er|Sie⟩ besuchte die Schule in ${birthplace}, wo ein Lehrer ⟨sein|ihr⟩ Interesse für ${field} weckte.",
                    "${move_year} zog ⟨er|sie⟩ nach [[${city}]], um an ${school} zu studieren.",
                    "Dort lernte ⟨er|sie⟩ ${teacher_name} kennen, ${teacher}, mit dem ⟨er|sie⟩ zeitlebens befreundet blieb.",
                    "Da das Geld knapp war, verdiente ⟨er|sie⟩ ⟨seinen|ihren⟩ Lebensunterhalt mit Privatstunden und ⟨als Schreiber|als Schreiberin⟩.",
                ],
                2,
                4,
            ),
            (
                "Werk",
                [
                    "⟨Sein|Ihr⟩ erstes bedeutendes Werk, ${work1}, entstand ${first_year}.",
                    "Erste Erfolge brachten ⟨ihm|ihr⟩ Aufträge aus dem ganzen Landkreis ${kreis}.",
                    "${peak_year} eröffnete ⟨er|sie⟩ in [[${city}]] ${place}, ${relative} ⟨er|sie⟩ mehr als zwanzig Jahre lang führte.",
                    "Zu ⟨seinen|ihren⟩ bekanntesten ${things} aus dieser Zeit gehören ${work2} und ${work3}.",
                    "Die Kritik lobte die Schlichtheit ⟨seiner|ihrer⟩ Arbeiten und ihren genauen Blick auf das Alltagsleben.",
                    "Daneben schrieb ⟨er|sie⟩ regelmäßig für Lokalzeitungen und hielt öffentliche Vorträge über ${field}.",
                    "Um ${late_year} war ⟨sein|ihr⟩ Ruf weit über ${region_acc} hinaus gedrungen.",
                ],
                3,
                5,
            ),
            (
                "Privates",
                [
                    "${marry_year} heiratete ⟨er|sie⟩ ${spouse}; aus der Ehe ${went} ${children} hervor.",
                    "⟨Er war ein begeisterter Wanderer|Sie war eine begeisterte Wanderin⟩ und verbrachte viele Sommer ${in_region}.",
                    "⟨Er|Sie⟩ starb ${died} in [[${deathplace}]] und wurde dort auf dem Friedhof beigesetzt.",
                    "⟨Sein|Ihr⟩ Nachlass befindet sich im Archiv des Landkreises ${kreis}.",
                ],
                1,
                3,
            ),
            (
                "Nachwirkung",
                [
                    "${exhibit_year} zeigte das Museum in [[${city}]] eine Retrospektive ⟨seines|ihres⟩ Werks.",
                    "In [[${birthplace}]] ist eine Straße nach ⟨ihm|ihr⟩ benannt.",
                    "Nach ⟨seinem|ihrem⟩ Tod geriet ⟨er|sie⟩ weitgehend in Vergessenheit; seit den 1980er Jahren wird ⟨sein|ihr⟩ Werk wiederentdeckt.",
                    "Eine Gedenktafel erinnert an das Haus in [[${city}]], in dem ⟨er|sie⟩ lebte.",
                ],
                1,
                2,
            ),
        ],
        see_also=["Liste von Persönlichkeiten aus dem Landkreis ${kreis}"],
        citations=[],
    )

    building_topic = Topic(
        make=make_building,
        lead=[
            "${art}'''${bold}''' ist ${what} im Landkreis ${kreis}.",
            "${art}'''${bold}''' wurde ${built} erbaut und ist ${what}.",
        ],
        lead_more=[
            "⟨Er|Sie|Es⟩ steht unter [[Denkmalschutz]].",
            "⟨Der|Die|Das⟩ ${noun} gilt als eines der Wahrzeichen der Stadt.",
            "⟨Der|Die|Das⟩ ${noun} ist auf vielen alten Ansichtskarten abgebildet.",
        ],
        sections=[
            ("Geschichte", "@history", 3, 5),
            ("Beschreibung", "@architecture", 2, 4),
            ("Heutige Nutzung", "@present", 1, 2),
        ],
        see_also=["Liste der Baudenkmäler in ${town}", "${town}"],
        citations=["de-brot"],
    )

    return Language(
        code="de",
        topics={
            "town": town_topic,
            "river": river_topic,
            "species": species_topic,
            "person": person_topic,
            "building": building_topic,
        },
        see_also="Siehe auch",
        references="Einzelnachweise",
        further="Weblinks",
        category="Kategorie",
        file="Datei",
        thumb="mini",
        ref_titles=[
            "Geschichte von ${title}",
            "Notizen zu ${title}",
            "Landkreis ${kreis}: Ortschronik",
            "Heimatbuch des Landkreises ${kreis}",
            "Topographie des Landkreises ${kreis}",
        ],
        publishers=[
            "Kreisarchiv",
            "Heimatverein",
            "Landesamt für Denkmalpflege",
            "Naturkundemuseum",
            "Geschichtsverein",
        ],
        cite="{{Internetquelle |url=${url} |titel=${title} |hrsg=${publisher} |datum=${year}}}",
        accessed="abgerufen am",
    )
