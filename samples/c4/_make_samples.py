"""Build the bundled C4 samples: pages written for this project in the shape of allenai/c4 `en`.

    python samples/c4/_make_samples.py

The pages below are composed for these samples (no text is copied from C4 or any site). They are already
"clean" as C4 releases its pages: every line ends in a terminal mark and has at least five words, every page
has at least three sentences, no line repeats. So C4's own rules (filters/c4.py) keep every one of them,
which the tests check. Writes, deterministically (gzip without a timestamp), so re-running gives identical
bytes:

* `c4-train.00000-of-00002.json.gz`: one gzip stream, as allenai/c4 ships its shards: 30 pages with ISO
  timestamps (`2019-04-25T12:57:54Z`), then one oversize-ish page (a line of about 50 KB: tests set
  `c4.max_line_bytes` below it to exercise the oversize path; the default 4 MiB keeps it).
* `c4-train.00001-of-00002.json`: uncompressed, in the re-saved form some copies have (timestamps
  `2019-04-25 12:57:54`, `/` escaped as `\\/`): the other 12 pages, and between them the malformed lines a
  reader must survive, one each: truncated JSON, bytes that are not UTF-8, a JSON array, no `text`, a number
  as `text`, an unparseable timestamp, whitespace as `text`, a list as `url`, and a blank line. The file
  ends without a final newline.

`badwords-sample.txt` beside it is a hand-written stand-in for LDNOOBW's `en` list (which C4 used, and which a
user supplies as `c4_filter.bad_words`): made-up placeholder words and a phrase, one per line, for the
bad-words rule's tests. Ingest the shards by glob (`samples/c4/c4-train.*`), not the folder, which would read
the word list as lines too (this script's name starts with `_`, which folder inputs skip).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
START = datetime(2019, 4, 18, 6, 12, 9, tzinfo=UTC)

PAGES: list[tuple[str, str]] = [
    (
        "https://www.riversidebakehouse.com/blog/why-our-rye-takes-three-days/",
        "Here is why our dark rye takes three whole days to make.\n"
        "Every loaf of our dark rye starts on a Monday morning, when the sour is fed for the first time. "
        "By Tuesday it has doubled, and we mix it with cracked grain and a little molasses.\n"
        "The dough rests in the cool room overnight, which gives the crumb its tight, moist texture. "
        "We bake it on Wednesday at dawn and let it cool for a full six hours before slicing.\n"
        "Customers often ask whether the wait is really worth it. We think one bite answers that question!",
    ),
    (
        "http://trailnotes.org/hikes/cedar-ridge-loop",
        "The Cedar Ridge Loop is a moderate 7.4 mile hike with about 1,200 feet of elevation gain.\n"
        "Park at the gravel lot on Miller Road and follow the blue blazes north into the woods. "
        "The first mile climbs steadily through oak and hickory before leveling out along the ridge.\n"
        "At the halfway point you will reach a rocky overlook with views across the whole valley. "
        "Bring plenty of water in summer, because the ridge has very little shade.\n"
        "Dogs are welcome on the trail as long as they stay on a leash.",
    ),
    (
        "https://www.pedalworksrepair.com/services/tune-ups",
        "Our standard tune-up costs $65 and usually takes two business days.\n"
        "We adjust the brakes and gears, true both wheels, and check every bolt for the correct torque. "
        "The chain is measured for wear, and we will call you before replacing anything.\n"
        "For bikes that have been stored for years, we recommend the full overhaul instead. "
        "That service includes new cables, fresh grease in the bearings, and a thorough cleaning.\n"
        "Drop-offs are accepted Tuesday through Saturday from 9 a.m. to 5 p.m.",
    ),
    (
        "https://greenthumbdiaries.net/2019/04/starting-tomatoes-indoors/",
        "If you want tomatoes by July, you need to start the seeds indoors about eight weeks before the last "
        "frost. I use shallow trays, a light seed mix, and a heat mat set to around 75 degrees.\n"
        "Once the seedlings show their first true leaves, move them into larger pots. "
        "Bury the stems a little deeper each time, since tomatoes grow roots along the buried stem.\n"
        "Harden them off slowly by setting them outside for an hour or two each day. "
        "After a week of this, they are ready for the garden bed.",
    ),
    (
        "http://www.millbrooktownship.gov/news/board-approves-road-repairs",
        "The township board voted 4 to 1 on Thursday to approve a repair plan for Old Quarry Road.\n"
        "Work is expected to begin in late May and should be finished before the start of the school year. "
        "Residents along the road will receive a letter with detour information next month.\n"
        "Supervisor Ellen Marsh said the project will be paid for with state transportation funds. "
        "The one dissenting trustee argued that the township should first repave Hill Street.\n"
        "The next regular board meeting is scheduled for May 9 at 7 p.m. in the community hall.",
    ),
    (
        "https://www.kitchenhavenstore.com/products/stovetop-kettle-2l",
        "This two-liter stovetop kettle is made from brushed stainless steel with a heat-resistant handle.\n"
        "It works on gas, electric and induction cooktops, and it whistles when the water boils. "
        "The wide opening makes it easy to fill and clean.\n"
        "Each kettle comes with a five-year warranty against defects in materials and workmanship. "
        "Please hand wash only, as the dishwasher can dull the finish over time.",
    ),
    (
        "https://weeknightsupper.com/recipes/lemon-garlic-chicken-thighs/",
        "These lemon garlic chicken thighs are one of our favorite quick dinners.\n"
        "Pat the chicken dry, season it with salt and pepper, and sear it skin side down until golden. "
        "Flip the thighs, add the garlic and lemon slices, and move the pan into a hot oven.\n"
        "After about twenty minutes the meat should reach 175 degrees in the thickest part. "
        "Spoon the pan juices over the top and serve with rice or a green salad.\n"
        "Leftovers keep well in the fridge for up to three days.",
    ),
    (
        "https://pagesandporches.blogspot.com/2019/03/review-the-lighthouse-keepers-daughter.html",
        "I picked up this novel on a whim, and I could not put it down for the whole weekend.\n"
        "The story follows a young woman who returns to the island where she grew up after her father "
        "disappears. The author slowly reveals the family's secrets through old letters and logbooks.\n"
        "Some readers may find the middle section a little slow. I thought the quiet pace suited the setting "
        "and made the ending hit even harder.\n"
        "I would give it four and a half stars out of five.",
    ),
    (
        "https://www.wanderingfork.com/travel/three-days-in-lisbon",
        "Lisbon is a city best explored on foot, even if the hills will test your legs.\n"
        "On our first day we rode the old yellow tram up to the castle and wandered back down through the "
        "narrow lanes of Alfama. We stopped for custard tarts at least twice.\n"
        "The second day was for Belem, with its monastery, tower and riverside gardens. "
        "On the last day we took the train to Sintra, which deserves a trip of its own.\n"
        "If you go, pack comfortable shoes and leave room in your schedule for long lunches.",
    ),
    (
        "http://homefixguide.com/painting/how-to-paint-a-room-without-streaks",
        "Streaks usually come from paint drying unevenly, so the key is to keep a wet edge.\n"
        "Start by cutting in along the ceiling and corners with a brush, then roll the walls in sections. "
        "Work from top to bottom and always roll back into the paint you just applied.\n"
        "Use a good roller cover with the right nap for your wall texture. "
        "A cheap cover sheds fibers and holds less paint, which makes streaks more likely.\n"
        "Let the first coat dry completely before you decide whether a second coat is needed.",
    ),
    (
        "https://www.whiskerwisevet.com/articles/how-much-water-should-my-cat-drink",
        "Most healthy cats need about four ounces of water for every five pounds of body weight each day.\n"
        "Cats that eat wet food get much of that water from their meals. "
        "Cats on a dry diet need to drink more, and some of them simply do not.\n"
        "A fountain can help, since many cats prefer moving water. "
        "Placing bowls away from the litter box and the food dish also encourages drinking.\n"
        "If your cat suddenly starts drinking a lot more than usual, call your veterinarian.",
    ),
    (
        "https://support.brightlineprint.com/kb/printer-shows-offline",
        "If your printer shows as offline, first check that it is turned on and connected to the same "
        "network "
        "as your computer.\n"
        "Restart the printer and the router, then wait a few minutes for them to reconnect. "
        "Open the print queue and cancel any stuck jobs, because one failed job can block the rest.\n"
        "If the problem continues, remove the printer from your device list and add it again. "
        "You can also download the latest driver from our downloads page.\n"
        "Still stuck? Our support team is available by phone seven days a week.",
    ),
    (
        "https://www.northsidemusicstudio.com/lessons/piano",
        "We offer private piano lessons for students of all ages, from five years old to retirees.\n"
        "Lessons are thirty, forty-five or sixty minutes long and take place once a week. "
        "Beginners start with reading notes and simple songs, while advanced students work on repertoire "
        "and technique.\n"
        "Every spring our students perform in a friendly recital for family and friends. "
        "Nobody is required to play, but most students are glad they did.\n"
        "Call the front desk to schedule a free trial lesson.",
    ),
    (
        "https://www.harborviewrealty.com/listings/412-elm-street",
        "This charming three-bedroom bungalow sits on a quiet, tree-lined street close to downtown.\n"
        "The updated kitchen has quartz counters, a gas range and plenty of cabinet space. "
        "Original hardwood floors run through the living and dining rooms.\n"
        "Out back you will find a fenced yard, a stone patio and a detached one-car garage. "
        "The roof and furnace were both replaced in 2017.\n"
        "Showings begin this Saturday, and the seller is asking $289,000.",
    ),
    (
        "https://careers.tristatelogistics.com/jobs/warehouse-associate-2019-114",
        "We are hiring full-time warehouse associates for our distribution center in Dayton.\n"
        "Associates pick and pack orders, load trucks, and keep the work area safe and organized. "
        "No experience is necessary, because we provide paid training on the first week.\n"
        "Shifts are ten hours long, four days a week, with weekends off. "
        "Benefits include health insurance, paid holidays and a retirement plan with a company match.\n"
        "Applicants must be able to lift fifty pounds and pass a background check.",
    ),
    (
        "https://www.oakdalelibrary.org/events/spring-book-sale",
        "The Friends of the Oakdale Library will hold their spring book sale on April 27 and 28.\n"
        "Thousands of gently used books, DVDs and audiobooks will be available at bargain prices. "
        "Hardcovers cost one dollar and paperbacks are fifty cents each.\n"
        "On Sunday afternoon you can fill a grocery bag with books for just five dollars. "
        "All proceeds support children's programs and new library materials.\n"
        "Volunteers are still needed to help with setup on Friday evening.",
    ),
    (
        "https://www.willowcreekbarn.com/weddings",
        "Willow Creek Barn is a restored 1890s dairy barn set on twenty acres of rolling pasture.\n"
        "The main hall seats up to 180 guests, and the loft makes a cozy space for cocktails. "
        "Couples often hold their ceremony under the old oak tree beside the pond.\n"
        "Our packages include tables, chairs, string lights and a dedicated event coordinator. "
        "You are free to bring in the caterer and band of your choice.\n"
        "We are now booking dates for the 2020 season, so contact us to arrange a tour.",
    ),
    (
        "http://www.lincolnelementary.net/newsletter/april-2019",
        "Spring is finally here, and our students have been busy in and out of the classroom.\n"
        "The third grade planted a small vegetable garden behind the gym last week. "
        "Fifth graders will present their science fair projects on April 30 in the library.\n"
        "Please remember that school will be closed on Friday, April 19, for a staff development day. "
        "Field day is scheduled for May 24, weather permitting.\n"
        "Thank you to all the parents who volunteered at the reading night!",
    ),
    (
        "https://www.autocarecorner.com/blog/how-often-should-you-change-your-oil",
        "The old rule of changing your oil every 3,000 miles no longer applies to most modern cars.\n"
        "Many engines today are designed to run 5,000 to 7,500 miles between changes with synthetic oil. "
        "Your owner's manual lists the interval the manufacturer recommends.\n"
        "Short trips, towing and extreme heat count as severe driving conditions. "
        "In those cases you should follow the shorter schedule in the manual.\n"
        "Checking the oil level once a month is still a good habit.",
    ),
    (
        "https://fitafterforty.com/workouts/beginner-strength-routine",
        "This beginner strength routine takes about thirty minutes and needs only a pair of dumbbells.\n"
        "Start with squats, push-ups and bent-over rows, doing three sets of ten repetitions each. "
        "Rest for about a minute between sets, and focus on slow, controlled movements.\n"
        "Finish with a plank held for as long as you can keep good form. "
        "Do the routine two or three times a week, with a rest day in between.\n"
        "As the exercises get easier, add weight or a few more repetitions.",
    ),
    (
        "https://www.purlandplaincrafts.com/patterns/simple-ribbed-hat",
        "This simple ribbed hat is a great first project for anyone who has just learned to knit and purl.\n"
        "You will need one skein of worsted weight yarn and a sixteen-inch circular needle. "
        "Cast on 88 stitches, join in the round, and work a knit two, purl two rib.\n"
        "When the hat measures about eight inches, begin the crown decreases. "
        "Cut the yarn, thread it through the remaining stitches, and pull it tight.\n"
        "Weave in the ends and add a pom-pom if you like.",
    ),
    (
        "https://marshlandbirders.org/reports/2019-04-13-field-trip",
        "Twelve members joined Saturday's field trip to the Heron Point marsh despite the chilly wind.\n"
        "We counted 47 species in total, including our first tree swallows and yellow warblers of the year. "
        "A pair of sandhill cranes flew low over the boardwalk just after nine o'clock.\n"
        "The highlight came near the end of the morning, when a bald eagle landed in the dead cottonwood. "
        "It stayed long enough for everyone to get a good look through the scopes.\n"
        "Our next outing will be the warbler walk at Pine Hollow on May 11.",
    ),
    (
        "https://www.lightandlenslessons.com/tips/golden-hour-portraits",
        "The hour after sunrise and the hour before sunset give portraits a warm, soft light.\n"
        "Place your subject with the sun behind them to create a glowing outline around the hair. "
        "Use a reflector or a white wall to bounce some light back onto their face.\n"
        "Set your camera to a wide aperture so the background melts into a gentle blur. "
        "Check your exposure often, because the light changes quickly at this time of day.\n"
        "Most of all, keep your subject relaxed and talking.",
    ),
    (
        "https://www.slowpourcoffee.co/guides/pour-over-basics",
        "A good pour-over starts with freshly ground beans and water just off the boil.\n"
        "Use about fifteen grams of coffee for every 250 grams of water. "
        "Pour a small amount first and let the grounds bloom for thirty seconds.\n"
        "Then pour the rest slowly in circles, keeping the water level steady. "
        "The whole brew should take around three minutes.\n"
        "If the coffee tastes sour, grind a little finer next time.",
    ),
    (
        "https://www.reliableplumbingpros.com/faq",
        "Why is my water heater making a popping noise?\n"
        "That sound usually comes from sediment that has built up at the bottom of the tank. "
        "Flushing the tank once a year removes the sediment and helps the heater last longer.\n"
        "Can I fix a running toilet myself?\n"
        "In most cases, yes. A worn flapper is the usual culprit, and a new one costs only a few dollars.\n"
        "When should I call a plumber? Call us right away if you notice water stains on the ceiling.",
    ),
    (
        "https://www.stonebridgehistory.org/about/our-town",
        "Stonebridge was founded in 1834 by a group of families who came up the river from Ohio.\n"
        "The town takes its name from the arched stone bridge built across Cutter Creek in 1851. "
        "That bridge still carries traffic today and is listed on the National Register.\n"
        "During the late 1800s the town grew around its woolen mill, which employed nearly 300 people. "
        "The mill closed in 1932, but the building now houses shops and apartments.\n"
        "Our historical society museum is open on weekends from May through October.",
    ),
    (
        "https://gearloftreviews.com/tents/summit-two-person-tent-review",
        "We tested this two-person tent on six trips last fall, from warm desert nights to a soggy coastal "
        "weekend.\n"
        "Setup took about five minutes once we learned the color-coded poles. "
        "The tent stayed dry through a night of steady rain, although the vestibule is on the small side.\n"
        "At just under four pounds, it is light enough for most backpacking trips. "
        "Taller campers may find the head room a little tight.\n"
        "Overall, it is a solid choice for the price.",
    ),
    (
        "https://www.lakecountyangler.com/reports/weekly-fishing-report",
        "Water temperatures on Lake Tamsin climbed into the low fifties this week.\n"
        "Crappie are moving into the shallow bays and hitting small jigs under a bobber. "
        "Walleye fishing has been best at dusk along the rocky points on the north shore.\n"
        "Bass anglers report good catches on spinnerbaits near the fallen timber. "
        "The public boat ramp at Miller Park is open again after the winter repairs.\n"
        "Remember that the walleye season closes on the 30th of this month.",
    ),
    (
        "https://www.prairieskyastronomy.org/events/public-star-party",
        "Join the Prairie Sky Astronomy Club for a free public star party on Saturday, May 4.\n"
        "Members will set up telescopes in the field behind the nature center starting at 8:30 p.m. "
        "If the sky is clear, we expect to see Jupiter, the Moon and several bright star clusters.\n"
        "Dress warmly and bring a red flashlight if you have one. "
        "White lights make it hard for everyone's eyes to adjust to the dark.\n"
        "The event will be canceled if the sky is cloudy, so check our page that afternoon.",
    ),
    (
        "https://www.brightsmiledentalgroup.com/new-patients",
        "We are happy to welcome new patients of all ages to our practice.\n"
        "Your first visit includes a complete exam, x-rays and a professional cleaning. "
        "Dr. Patel will talk with you about any concerns and explain your treatment options.\n"
        "Please arrive fifteen minutes early to fill out your health history. "
        "Bring your insurance card and a list of any medications you take.\n"
        "We accept most major insurance plans and offer flexible payment options.",
    ),
    (
        "https://www.cornerstoneinsure.com/help/what-is-a-deductible",
        "A deductible is the amount you pay out of pocket before your insurance starts to pay a claim.\n"
        "For example, if your deductible is $500 and a covered repair costs $2,000, you pay the first $500. "
        "Your insurer then pays the remaining $1,500.\n"
        "Choosing a higher deductible usually lowers your premium. "
        "Just make sure you could cover the deductible if you had to file a claim tomorrow.\n"
        "Our agents are glad to walk you through the options for your policy.",
    ),
    (
        "https://blog.tidalnotesapp.com/releases/version-2-4",
        "Version 2.4 of Tidal Notes is now available for all users.\n"
        "This release adds a dark mode, faster search, and the ability to pin notes to the top of a list. "
        "We also fixed a bug that caused some images to appear sideways after syncing.\n"
        "Your notes will update automatically the next time you open the app. "
        "As always, we would love to hear what you think of the new features.\n"
        "Thank you for using Tidal Notes!",
    ),
    (
        "https://www.eastendchessclub.org/about",
        "The East End Chess Club meets every Wednesday evening at the public library on Grove Street.\n"
        "Players of every level are welcome, from complete beginners to rated tournament players. "
        "We have boards and clocks available, so you do not need to bring anything.\n"
        "Once a month we hold a friendly rapid tournament with small prizes. "
        "Members also volunteer to teach chess at two local elementary schools.\n"
        "Annual dues are twenty dollars for adults and free for students.",
    ),
    (
        "https://www.riverbendfoodbank.org/volunteer",
        "Volunteers are the heart of the Riverbend Food Bank, and we could not do our work without them.\n"
        "Most shifts last three hours and involve sorting donations or packing boxes for families. "
        "Groups from schools, churches and workplaces are always welcome.\n"
        "Volunteers must be at least fourteen years old, and those under eighteen need a signed permission "
        "form. Closed-toe shoes are required in the warehouse.\n"
        "Sign up online or call our volunteer coordinator to find a time that works for you.",
    ),
    (
        "https://www.saturdaygrowersmarket.com/vendors",
        "More than forty local farmers and makers sell at the Saturday Growers Market each week.\n"
        "You will find fresh vegetables, eggs, honey, cheese, bread and cut flowers from May through "
        "October. "
        "Several vendors also sell handmade soap, pottery and woodwork.\n"
        "Most vendors accept cards, but bringing some cash makes things faster. "
        "The market runs from 8 a.m. until noon in the lot beside the old train depot.\n"
        "Live music starts at ten o'clock every week.",
    ),
    (
        "https://www.stridelabrunning.com/guides/choosing-running-shoes",
        "The right running shoe is the one that feels comfortable from the very first step.\n"
        "Try shoes on late in the day, when your feet are slightly swollen, and wear your usual socks. "
        "There should be about a thumb's width of space between your longest toe and the front of the shoe.\n"
        "Do not worry too much about labels like stability or neutral at first. "
        "Jog a few steps in the store and pay attention to any rubbing or pressure.\n"
        "Most shoes last between 300 and 500 miles before the cushioning wears out.",
    ),
    (
        "https://www.leafandkettletea.com/learn/brewing-green-tea",
        "Green tea turns bitter when it is brewed with water that is too hot.\n"
        "Let boiling water cool for a few minutes, to about 175 degrees, before pouring it over the leaves. "
        "Steep most green teas for two to three minutes.\n"
        "Use about one teaspoon of loose leaves for each cup of water. "
        "Many green teas can be steeped two or three times, and each cup tastes a little different.\n"
        "Store your tea in an airtight tin away from light and strong smells.",
    ),
    (
        "https://www.cityweatherdesk.com/forecast/weekend-outlook",
        "Expect a mild and mostly sunny start to the weekend, with highs near 68 degrees on Saturday.\n"
        "Clouds will increase on Sunday afternoon ahead of a cold front moving in from the west. "
        "Showers and a few thunderstorms are likely Sunday night.\n"
        "Monday will be breezy and cooler, with highs only in the mid fifties. "
        "Drier air returns on Tuesday, and the rest of the week looks pleasant.\n"
        "Gardeners should hold off on planting tender annuals until next weekend.",
    ),
    (
        "https://www.thegreenbarnmuseum.org/visit",
        "The Green Barn Museum tells the story of farming in our county over the last two centuries.\n"
        "Exhibits include a restored 1920s kitchen, antique tractors and a working blacksmith shop. "
        "Children love the hands-on area, where they can grind corn and try on old work clothes.\n"
        "The museum is open Thursday through Sunday from 10 a.m. to 4 p.m. "
        "Admission is free, although donations are gratefully accepted.\n"
        "Guided tours for school groups can be booked by phone.",
    ),
    (
        "https://www.mapleshadecampground.com/rates",
        "Maple Shade Campground offers tent sites, electric sites and four rustic cabins along the river.\n"
        "Tent sites cost $22 per night and electric sites cost $34 per night. "
        "Cabins sleep up to five people and rent for $70 per night.\n"
        "Check-in begins at 2 p.m. and check-out is at noon. "
        "Quiet hours run from 10 p.m. to 7 a.m., and campfires must stay in the fire rings.\n"
        "Firewood and ice are sold at the camp store near the entrance.",
    ),
    (
        "https://www.smallbizbookkeeping.com/blog/quarterly-estimated-taxes",
        "If you are self-employed, you probably need to pay estimated taxes four times a year.\n"
        "The payments cover income tax and self-employment tax on money that no employer withheld. "
        "Missing a payment can lead to penalties, even if you pay everything by April.\n"
        "A simple approach is to set aside a fixed share of every payment you receive. "
        "Many freelancers keep that money in a separate savings account so they are not tempted to spend "
        "it.\n"
        "Talk with a tax professional if your income changes a lot from one quarter to the next.",
    ),
    (
        "https://www.happytailstraining.com/tips/teaching-a-reliable-recall",
        "A reliable recall can keep your dog safe, so it is worth practicing every single day.\n"
        "Start indoors, where there are few distractions, and say your dog's name followed by the cue word. "
        "Reward your dog the moment it reaches you with a treat it really loves.\n"
        "Never call your dog to you for something unpleasant, like a bath or the end of a walk. "
        "Move the practice to the yard, and later to a quiet park on a long line.\n"
        "Short sessions of five minutes work better than one long lesson.",
    ),
]

GZIP_PAGES = 30  # the first 30 pages go to the .json.gz shard, the rest to the plain one

OVERSIZE_URL = "https://www.harborsailingschool.com/glossary"
OVERSIZE_ENTRIES = [
    ("abeam", "at a right angle to the length of the boat, off its side"),
    ("aft", "toward the back of the boat, in the direction of the stern"),
    ("boom", "the horizontal pole along the bottom edge of the mainsail"),
    ("cleat", "a fitting with two horns around which a line is made fast"),
    ("draft", "the depth of water a boat needs in order to float freely"),
    ("halyard", "a line used to raise and lower a sail along the mast"),
    ("jib", "the triangular sail set ahead of the mast on the forestay"),
    ("keel", "the structural backbone that runs along the bottom of the hull"),
    ("leeward", "the side of the boat away from the direction of the wind"),
    ("mooring", "a permanent anchor with a buoy to which a boat can be tied"),
    ("sheet", "a line that controls the angle of a sail to the wind"),
    ("tack", "to turn the bow through the wind so it blows on the other side"),
]


def oversize_text() -> str:
    """A long glossary page (about 50 KB): each entry once per chapter of the school's handbook."""
    lines = ["Sailing Glossary for New Students."]
    for chapter in range(1, 28):
        for term, meaning in OVERSIZE_ENTRIES:
            lines.append(
                f"In chapter {chapter} of the handbook, the word {term} means {meaning}, "
                f"and instructors use it often on the water."
            )
    return "\n".join(lines)


def record(url: str, text: str, index: int, resaved: bool) -> bytes:
    stamp = START + timedelta(hours=7 * index, minutes=13 * index, seconds=29 * index)
    timestamp = stamp.strftime("%Y-%m-%d %H:%M:%S") if resaved else stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    line = json.dumps(
        {"text": text, "timestamp": timestamp, "url": url}, ensure_ascii=False, separators=(",", ":")
    )
    if resaved:
        line = line.replace("/", "\\/")  # json.dumps leaves `/` alone; the re-saved copies escape it
    return line.encode("utf-8")


MALFORMED = [
    b'{"text":"An unfinished record that stops in the middle of its text',  # truncated JSON
    b'{"text":"Caf\xe9 owners in the old town say the season started early.",'
    b'"url":"http:\\/\\/x.example\\/"}',  # not UTF-8
    b'["text","timestamp","url"]',  # a JSON array
    b'{"timestamp":"2019-04-22 10:01:44","url":"https:\\/\\/www.example.com\\/no-text"}',  # no text
    b'{"text":42,"timestamp":"2019-04-22 10:02:10","url":"https:\\/\\/www.example.com\\/number"}',
    b'{"text":"The timestamp of this page is not a date at all, so it is rejected.",'
    b'"timestamp":"yesterday afternoon","url":"https:\\/\\/www.example.com\\/when"}',
    b'{"text":"   ","timestamp":"2019-04-22 10:03:00","url":"https:\\/\\/www.example.com\\/blank"}',
    b'{"text":"A page whose url is a list, not a string.","url":["https:\\/\\/a.example\\/"]}',
    b"",  # a blank line
]


def main() -> None:
    gz_lines = [record(url, text, i, resaved=False) for i, (url, text) in enumerate(PAGES[:GZIP_PAGES])]
    gz_lines.append(record(OVERSIZE_URL, oversize_text(), GZIP_PAGES, resaved=False))
    shard = HERE / "c4-train.00000-of-00002.json.gz"
    with shard.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle:
        handle.write(b"\n".join(gz_lines) + b"\n")
    plain = [
        record(url, text, GZIP_PAGES + 1 + i, resaved=True)
        for i, (url, text) in enumerate(PAGES[GZIP_PAGES:])
    ]
    lines: list[bytes] = []
    for i, line in enumerate(plain):  # a malformed line after each page while they last
        lines.append(line)
        if i < len(MALFORMED):
            lines.append(MALFORMED[i])
    lines += MALFORMED[len(plain) :]
    (HERE / "c4-train.00001-of-00002.json").write_bytes(b"\n".join(lines))  # no final newline


if __name__ == "__main__":
    main()
