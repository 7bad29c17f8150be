// Generates the bundled sample catalogue of the all-in-one app:
//   dotnet run tools/sample-catalogue/generate-catalogue.cs            (writes src/VectorIndexer.App/SampleCatalogue/products.jsonl)
//   dotnet run tools/sample-catalogue/generate-catalogue.cs -- out.jsonl
// Every brand, title and text below was written for VectorIndexer; nothing is taken from a data set.
// The output is deterministic: a fixed-seed SplitMix64 drives every choice, so a re-run writes the same bytes.

using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

var output = args.Length > 0 ? Path.GetFullPath(args[0]) : DefaultOutput();
var lines = SampleCatalogue.Generate();
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
File.WriteAllText(output, string.Join('\n', lines) + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
Console.WriteLine($"Wrote {lines.Count} products to {output}");

static string DefaultOutput()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "VectorIndexer.sln")))
        {
            return Path.Combine(dir.FullName, "src", "VectorIndexer.App", "SampleCatalogue", "products.jsonl");
        }
    }

    throw new InvalidOperationException("Run this from inside the repository, or pass the output path.");
}

/// <summary>One kind of product: every variant shares its category, noun, bullets and texts.</summary>
/// <param name="Code">Id prefix.</param>
/// <param name="Category">Path, levels separated by " > ".</param>
/// <param name="Noun">The end of the title, after brand and model.</param>
/// <param name="MinPrice">Price of the cheapest model, roughly.</param>
/// <param name="MaxPrice">Price of the dearest model, roughly.</param>
/// <param name="Models">One variant per model: the words between brand and noun.</param>
/// <param name="Colors">Colours the variants take, in turn.</param>
/// <param name="Attributes">"name=a|b|c; other=x|y": variant i takes value i modulo the count.</param>
/// <param name="Bullets">Selling points; each variant lists three or four, rotated.</param>
/// <param name="Descriptions">Descriptions the variants take, in turn.</param>
internal sealed record Kind(
    string Code,
    string Category,
    string Noun,
    decimal MinPrice,
    decimal MaxPrice,
    string[] Models,
    string[] Colors,
    string Attributes,
    string[] Bullets,
    string[] Descriptions);

internal static class SampleCatalogue
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly Dictionary<string, string[]> Brands = new(StringComparer.Ordinal)
    {
        ["Electronics"] = ["Zentrik", "Halvio", "Soundmere", "Brightwave", "Pelicrest"],
        ["Kitchen"] = ["Copperleaf", "Brewhaven", "Kettlewick", "Ovenbird", "Saltmarsh"],
        ["Outdoor"] = ["Ridgefarer", "Pinewold", "Cairnway", "Trailmoss"],
        ["Clothing"] = ["Northquill", "Fenmoor", "Stridewell", "Alderknit"],
        ["Home"] = ["Hearthlane", "Lindenrest", "Dustwise", "Puffin & Pine"],
        ["Tools"] = ["Voltmark", "Torqwell", "Ironbirch", "Grainline"],
        ["Garden"] = ["Fernhollow", "Greenspade", "Thornbury"],
        ["Toys"] = ["Tumblebee", "Brickwhistle", "Otterpop", "Marblemoon"],
        ["Beauty"] = ["Glowmere", "Silkfern", "Dewberry Lab", "Bristlecone"],
        ["Sports"] = ["Sprintvale", "Pulsefield", "Kinetika", "Aquarel"],
        ["Office"] = ["Deskwright", "Inkhollow", "Paperlark", "Postura"],
        ["Pets"] = ["Wagwell", "Purrington", "Pawmarsh"],
    };

    private static readonly Kind[] Kinds =
    [
        // Electronics
        new("ELE", "Electronics > Audio > Headphones", "Wireless Noise-Cancelling Headphones", 59, 329,
            ["Over-Ear", "Studio", "Travel Foldable", "Pro ANC", "Kids' Volume-Limited"], ["black", "silver", "navy", "white"],
            "battery life=30 h|40 h|25 h|50 h|20 h; connectivity=Bluetooth 5.3",
            ["Active noise cancelling blocks engine hum and office chatter", "Soft memory-foam ear cushions for all-day listening", "Built-in microphone for calls and voice assistants", "Folds flat into the included carry case"],
            ["Bluetooth over-ear headphones that shut out the world on flights, commutes and open-plan offices.", "Cordless headphones with deep bass and adaptive noise cancelling; plug in the cable when the battery runs out."]),
        new("ELE", "Electronics > Audio > Earbuds", "True Wireless Earbuds", 24, 199,
            ["Sport", "Everyday", "ANC Pro", "Mini"], ["black", "white", "sage green", "coral"],
            "battery life=6 h + 24 h case|8 h + 30 h case|7 h + 28 h case|5 h + 20 h case; water resistance=IPX4|IPX7|IPX4|IPX5",
            ["In-ear buds with a pocket charging case", "Touch controls for music, calls and volume", "Secure-fit wing tips stay put while running", "Sweat and splash resistant"],
            ["Wireless earphones with no cables at all: pop them in for the gym, the bus or a phone call.", "Compact bluetooth earbuds with clear calls and a charging case that tops them up four times."]),
        new("ELE", "Electronics > Audio > Speakers", "Portable Bluetooth Speaker", 29, 179,
            ["Waterproof Mini", "Outdoor Rugged", "Party", "Shower"], ["black", "blue", "orange", "olive"],
            "battery life=12 h|20 h|16 h|8 h; water resistance=IP67|IP67|IPX5|IPX7",
            ["Fully waterproof and dustproof, it floats in the pool", "360-degree sound with a passive bass radiator", "Pair two speakers for stereo", "Carry strap clips onto a backpack"],
            ["A rugged wireless speaker for the beach, the campsite and the bathroom, loud enough for a garden party.", "Drop-proof portable speaker with rich sound; charges over USB-C and plays all weekend."]),
        new("ELE", "Electronics > Computers > Laptops", "Laptop", 449, 1899,
            ["14-inch Ultrabook", "15.6-inch Everyday", "13-inch Featherlight", "16-inch Creator", "14-inch 2-in-1 Touchscreen"], ["silver", "space grey", "graphite"],
            "memory=16 GB|8 GB|16 GB|32 GB|16 GB; storage=512 GB SSD|256 GB SSD|1 TB SSD|1 TB SSD|512 GB SSD; screen=14 in|15.6 in|13 in|16 in|14 in",
            ["All-day battery for work and study", "Backlit keyboard and a precise glass trackpad", "Full HD webcam with privacy shutter", "USB-C charging and two USB-A ports"],
            ["A thin and light notebook computer for office work, video calls and streaming.", "A fast portable computer with a sharp display, quiet fans and a battery that lasts a working day."]),
        new("ELE", "Electronics > Computers > Keyboards", "Mechanical Keyboard", 39, 189,
            ["Compact 75%", "Full-Size", "Low-Profile Wireless", "Tenkeyless RGB"], ["black", "white", "grey"],
            "switches=tactile brown|linear red|clicky blue|linear red; layout=US English",
            ["Hot-swappable switches", "Per-key backlight with adjustable brightness", "Connects by USB-C cable or Bluetooth to three devices", "Double-shot keycaps that never fade"],
            ["A satisfying typing keyboard for programmers, writers and gamers.", "A sturdy computer keyboard with crisp keys; switch between laptop, tablet and desktop at a tap."]),
        new("ELE", "Electronics > Computers > Mice", "Wireless Mouse", 14, 99,
            ["Ergonomic Vertical", "Silent-Click", "Travel", "Gaming"], ["black", "grey", "pink", "white"],
            "battery=rechargeable|AA battery|AAA battery|rechargeable; sensor=4000 dpi|1600 dpi|1200 dpi|16000 dpi",
            ["Quiet buttons for shared offices and libraries", "Works on glass and glossy desks", "USB receiver stores inside the mouse", "Shaped to ease wrist strain"],
            ["A cordless computer mouse that is comfortable in the hand for long working days.", "A reliable wireless mouse for laptops and desktops; plug in the tiny receiver and go."]),
        new("ELE", "Electronics > Phones > Chargers", "Power Bank", 19, 89,
            ["10000 mAh Slim", "20000 mAh Fast-Charge", "Magnetic Wireless", "26800 mAh Laptop"], ["black", "white", "blue"],
            "capacity=10000 mAh|20000 mAh|5000 mAh|26800 mAh; output=20 W|65 W|15 W|100 W",
            ["Charges a phone two to five times", "USB-C power delivery in and out", "Digital display shows the charge left", "Allowed in airline cabin baggage"],
            ["A portable battery pack that keeps your phone and earbuds charged on trips and festivals.", "An external phone charger for travel: fast charging over USB-C, slim enough for a jacket pocket."]),
        new("ELE", "Electronics > Wearables > Smartwatches", "Fitness Smartwatch", 49, 299,
            ["Active", "GPS Running", "Slim", "Outdoor Solar"], ["black", "rose gold", "silver", "green"],
            "battery life=10 days|7 days|5 days|21 days; water resistance=5 ATM",
            ["Heart-rate, sleep and step tracking", "Built-in GPS maps your runs and rides", "Phone notifications on your wrist", "Swim-proof to 50 metres"],
            ["A fitness tracker watch that counts steps, measures heart rate and coaches your workouts.", "A smart watch for runners and walkers, with GPS, sleep scores and a battery that lasts for days."]),
        new("ELE", "Electronics > TV & Video > Televisions", "4K Smart TV", 279, 1499,
            ["43-inch", "50-inch", "55-inch OLED", "65-inch QLED"], ["black"],
            "screen=43 in|50 in|55 in|65 in; resolution=3840 x 2160",
            ["HDR picture with rich colours", "Streaming apps built in", "Three HDMI ports, one with eARC", "Game mode with low input lag"],
            ["An ultra HD television with smart apps for films, series and sport.", "A big-screen 4K TV for the living room with crisp detail and a simple remote."]),
        new("ELE", "Electronics > Computers > Webcams", "Webcam", 29, 149,
            ["1080p", "4K Streaming", "Wide-Angle Conference"], ["black", "white"],
            "resolution=1080p|4K|1080p; microphone=dual stereo",
            ["Auto light correction for dim rooms", "Clips onto any monitor or laptop screen", "Privacy cover slides over the lens", "Plug and play over USB"],
            ["A USB camera for video calls, online classes and streaming.", "A sharp web camera with clear sound, so you look and sound good in meetings."]),
        new("ELE", "Electronics > E-Readers", "E-Reader", 89, 249,
            ["6-inch", "7-inch Waterproof", "10-inch Note-Taking"], ["black", "sand"],
            "screen=6 in|7 in|10 in; storage=16 GB|32 GB|32 GB",
            ["Glare-free paper-like screen, readable in sunshine", "Warm front light for reading in bed", "Weeks of battery on one charge", "Holds thousands of books"],
            ["An e-book reader that is easy on the eyes, for novels on the beach and before sleep.", "A digital book reader with an e-ink display; light, long-lasting and kind to tired eyes."]),
        new("ELE", "Electronics > Smart Home > Lighting", "Smart Light Bulb", 9, 49,
            ["Colour E27", "Warm White E27", "Filament Style", "GU10 Spot"], ["white"],
            "fitting=E27|E27|E27|GU10; brightness=806 lm|1055 lm|470 lm|350 lm",
            ["Control from your phone or by voice", "Millions of colours and tunable white", "Schedules and wake-up light", "No hub needed, connects over Wi-Fi"],
            ["A Wi-Fi LED bulb you dim, schedule and recolour from an app.", "A smart lamp bulb for cosy evenings and gentle mornings, controlled by voice assistant."]),
        new("ELE", "Electronics > Smart Home > Security", "Indoor Security Camera", 25, 129,
            ["Pan-Tilt", "Mini", "Baby and Pet Monitor"], ["white", "black"],
            "resolution=2K|1080p|2K; storage=microSD or cloud",
            ["Night vision and motion alerts", "Two-way talk through the app", "Privacy mode turns the lens away", "Works with voice assistants"],
            ["A home camera that sends a clip to your phone when something moves.", "A Wi-Fi camera to keep an eye on pets, a sleeping baby or the front room while you are out."]),

        // Kitchen
        new("KIT", "Kitchen > Coffee & Tea > Coffee Makers", "Drip Coffee Maker", 29, 149,
            ["10-Cup Programmable", "Single-Serve", "Thermal Carafe", "Pour-Over Style"], ["black", "stainless steel", "white", "red"],
            "capacity=1.5 l|0.4 l|1.2 l|1 l; material=stainless steel and plastic",
            ["Brews a full pot of filter coffee in minutes", "Programmable timer wakes you up with fresh coffee", "Keep-warm plate switches off by itself", "Reusable mesh filter included"],
            ["A filter coffee machine that makes a pot of hot coffee for the whole household.", "An automatic coffee brewer: add ground coffee and water, press start, and breakfast coffee is ready."]),
        new("KIT", "Kitchen > Coffee & Tea > Espresso Machines", "Espresso Machine", 119, 699,
            ["15-Bar Compact", "Bean-to-Cup", "Dual Boiler", "Manual Lever"], ["stainless steel", "black", "cream"],
            "pressure=15 bar|19 bar|15 bar|9 bar; water tank=1.2 l|1.8 l|2.5 l|1 l",
            ["Steam wand froths milk for cappuccino and latte", "Cup warmer on top", "Removable water tank for easy refills", "Tamper and two filter baskets included"],
            ["A home barista machine for rich espresso shots, flat whites and lattes.", "An espresso maker with real pump pressure, so café-style coffee drinks are made in your own kitchen."]),
        new("KIT", "Kitchen > Coffee & Tea > Grinders", "Burr Coffee Grinder", 29, 199,
            ["Conical", "Flat Burr", "Hand Crank", "Compact Electric"], ["black", "silver", "walnut"],
            "grind settings=40|30|18|24; capacity=250 g|300 g|30 g|100 g",
            ["Even grounds from espresso-fine to French-press coarse", "Low speed keeps beans cool and aromatic", "Removable burr for cleaning", "Dose timer for repeatable cups"],
            ["A coffee bean mill that grinds fresh right before brewing.", "Grind whole beans for espresso, filter or cold brew with one dial."]),
        new("KIT", "Kitchen > Small Appliances > Kettles", "Electric Kettle", 19, 99,
            ["1.7 l Stainless", "Glass LED", "Variable Temperature", "Travel Mini"], ["silver", "black", "white", "mint"],
            "capacity=1.7 l|1.7 l|1.5 l|0.6 l; power=3000 W|2200 W|2400 W|1000 W",
            ["Boils water in under three minutes", "Auto shut-off and boil-dry protection", "Temperature presets for green tea and coffee", "Cordless base turns 360 degrees"],
            ["A fast-boiling kettle for tea, instant noodles and pour-over coffee.", "A cordless water boiler with a keep-warm setting and an easy-pour spout."]),
        new("KIT", "Kitchen > Small Appliances > Blenders", "Blender", 29, 249,
            ["Personal Smoothie", "High-Speed", "Immersion Stick", "Glass Jug"], ["black", "white", "red", "sage green"],
            "power=600 W|1400 W|800 W|1000 W; jar=0.6 l to-go cup|2 l|beaker 0.8 l|1.75 l glass",
            ["Crushes ice and frozen fruit", "Pulse and preset programmes", "Dishwasher-safe jar and blades", "Blend and drink from the same bottle"],
            ["A smoothie maker for shakes, soups and frozen cocktails.", "A powerful blender that purées vegetables, makes nut butter and crushes ice in seconds."]),
        new("KIT", "Kitchen > Small Appliances > Air Fryers", "Air Fryer", 49, 229,
            ["4 l Compact", "6 l Digital", "Dual Basket", "Oven-Style 12 l"], ["black", "white", "grey"],
            "capacity=4 l|6 l|8 l|12 l; programmes=6|8|10|12",
            ["Crispy fries with little or no oil", "Non-stick basket is dishwasher safe", "Timer and temperature up to 200 °C", "Preheats in two minutes"],
            ["A hot-air fryer that cooks chips, wings and vegetables crisp without a deep fat fryer.", "A healthier way to fry: rapid hot air roasts, bakes and reheats in a compact countertop cooker."]),
        new("KIT", "Kitchen > Small Appliances > Toasters", "Toaster", 19, 119,
            ["2-Slice", "4-Slice", "Long-Slot", "Retro 2-Slice"], ["silver", "black", "cream", "blue"],
            "slots=2|4|2 long|2; browning levels=7|6|7|6",
            ["Wide slots for bagels and thick bread", "Defrost and reheat buttons", "Pull-out crumb tray", "Warming rack for rolls"],
            ["A bread toaster for golden breakfast toast, crumpets and bagels.", "A toaster with even browning and a high-lift lever for small slices."]),
        new("KIT", "Kitchen > Small Appliances > Stand Mixers", "Stand Mixer", 129, 549,
            ["5 l Tilt-Head", "Compact 3.5 l", "Professional 6.9 l Bowl-Lift"], ["red", "cream", "black", "pastel blue"],
            "bowl=5 l|3.5 l|6.9 l; power=1000 W|600 W|1500 W",
            ["Dough hook, whisk and flat beater included", "Ten speeds with a gentle soft start", "Stainless steel mixing bowl", "Splash guard with pouring chute"],
            ["A countertop food mixer for bread dough, cakes and meringues.", "A kitchen machine that kneads, whisks and beats so home baking takes less effort."]),
        new("KIT", "Kitchen > Cookware > Frying Pans", "Non-Stick Frying Pan", 14, 89,
            ["20 cm", "28 cm", "Deep Sauté 28 cm", "Ceramic 24 cm"], ["black", "grey", "green"],
            "diameter=20 cm|28 cm|28 cm|24 cm; material=aluminium|aluminium|forged aluminium|ceramic-coated aluminium",
            ["Food slides off without sticking", "Works on induction, gas and electric hobs", "Stay-cool handle", "Oven safe to 180 °C"],
            ["A nonstick skillet for eggs, pancakes and stir-fries with little oil.", "An everyday frying pan that heats evenly and wipes clean in seconds."]),
        new("KIT", "Kitchen > Cookware > Pots", "Cast Iron Casserole", 39, 249,
            ["Round 24 cm", "Oval 29 cm", "Shallow 28 cm"], ["red", "blue", "black", "cream"],
            "capacity=4.2 l|4.7 l|3.5 l; material=enamelled cast iron",
            ["Holds heat for slow braises and stews", "Goes from hob to oven to table", "Self-basting lid", "Enamel needs no seasoning"],
            ["A heavy Dutch oven for stews, no-knead bread and Sunday roasts.", "An enamelled cooking pot that simmers for hours and keeps food hot at the table."]),
        new("KIT", "Kitchen > Cookware > Saucepans", "Stainless Steel Saucepan Set", 49, 229,
            ["3-Piece", "5-Piece", "Tri-Ply 3-Piece"], ["silver"],
            "pieces=3|5|3; material=stainless steel",
            ["Glass lids with steam vents", "Pouring rims and measuring marks", "Induction-ready base", "Dishwasher safe"],
            ["A set of pots with lids for pasta, sauces, rice and soup.", "Durable steel saucepans for everyday cooking on any hob."]),
        new("KIT", "Kitchen > Knives > Chef's Knives", "Chef's Knife", 19, 159,
            ["20 cm German Steel", "Japanese Santoku 18 cm", "Damascus 21 cm", "Utility 15 cm"], ["black", "wood"],
            "blade=20 cm|18 cm|21 cm|15 cm; material=stainless steel|high-carbon steel|Damascus steel|stainless steel",
            ["Razor-sharp edge holds for months", "Balanced, comfortable handle", "Slices, dices and minces", "Gift box and blade guard"],
            ["A sharp kitchen knife for chopping vegetables, slicing meat and mincing herbs.", "A cook's knife that makes prep work quick and precise."]),
        new("KIT", "Kitchen > Storage > Food Containers", "Glass Food Storage Containers", 19, 59,
            ["Set of 5", "Set of 10", "Meal-Prep Set of 8"], ["clear", "clear with blue lids", "clear with grey lids"],
            "pieces=5|10|8; material=borosilicate glass",
            ["Leak-proof snap-lock lids", "Microwave, oven and freezer safe", "Stack neatly in the fridge", "No stains or smells"],
            ["Glass lunch boxes for leftovers, meal prep and packed lunches.", "Airtight containers that keep food fresh and go straight from freezer to oven."]),
        new("KIT", "Kitchen > Tableware > Mugs", "Ceramic Mug Set", 14, 49,
            ["Set of 4", "Large 450 ml Pair", "Handmade Speckled Set of 2"], ["white", "speckled blue", "terracotta", "charcoal"],
            "capacity=350 ml|450 ml|400 ml; material=stoneware",
            ["Microwave and dishwasher safe", "Thick walls keep tea hot", "Comfortable wide handle", "Gift boxed"],
            ["Coffee cups and tea mugs for the breakfast table.", "Sturdy stoneware mugs for your morning coffee or a big mug of tea."]),

        // Outdoor
        new("OUT", "Outdoor > Camping > Tents", "Camping Tent", 59, 449,
            ["2-Person Backpacking", "4-Person Family", "1-Person Ultralight", "6-Person Tunnel"], ["green", "orange", "grey", "blue"],
            "sleeps=2|4|1|6; weight=2.1 kg|6.5 kg|0.9 kg|11 kg; season=3-season",
            ["Pitches in under ten minutes", "Waterproof flysheet with taped seams", "Two doors and a porch for boots", "Packs small into a compression bag"],
            ["A shelter for wild camping, festivals and hiking trips that stays dry in heavy rain.", "A dome tent that is quick to put up and light to carry on multi-day treks."]),
        new("OUT", "Outdoor > Camping > Sleeping Bags", "Sleeping Bag", 29, 299,
            ["3-Season Mummy", "Summer Rectangular", "Winter Down", "Kids'"], ["navy", "red", "green", "purple"],
            "comfort temperature=2 °C|12 °C|-8 °C|8 °C; fill=synthetic|synthetic|duck down|synthetic",
            ["Warm hood and draught collar", "Two-way zip for ventilation", "Compresses to the size of a loaf", "Machine washable"],
            ["A warm sleeping bag for camping, hostels and sleepovers.", "A lightweight bag that keeps you cosy in a tent on cold nights."]),
        new("OUT", "Outdoor > Hiking > Backpacks", "Hiking Backpack", 39, 249,
            ["40 l", "28 l Daypack", "65 l Trekking", "Women's Fit 38 l"], ["blue", "black", "rust", "teal"],
            "capacity=40 l|28 l|65 l|38 l; weight=1.2 kg|0.8 kg|2.1 kg|1.1 kg",
            ["Ventilated back panel keeps you cool", "Integrated rain cover", "Hip belt pockets for snacks and phone", "Hydration-bladder compatible"],
            ["A rucksack for day hikes and weekend treks with room for layers, lunch and water.", "A comfortable trekking pack that carries weight on the hips, not the shoulders."]),
        new("OUT", "Outdoor > Hiking > Lights", "Rechargeable Headlamp", 12, 69,
            ["350 Lumen", "Trail Running", "1000 Lumen Expedition"], ["black", "orange", "blue"],
            "brightness=350 lm|500 lm|1000 lm; battery=USB-C rechargeable",
            ["Red light mode keeps night vision", "Tilting beam", "Water resistant for rainy nights", "Lightweight elastic headband"],
            ["A head torch for camping, running in the dark and DIY in the loft.", "A hands-free light for night hikes and campsite chores."]),
        new("OUT", "Outdoor > Hydration > Bottles", "Insulated Water Bottle", 12, 45,
            ["500 ml", "750 ml Sport", "1 l Wide-Mouth", "Kids' 350 ml"], ["black", "sky blue", "pink", "forest green", "white"],
            "capacity=500 ml|750 ml|1 l|350 ml; material=double-wall stainless steel",
            ["Keeps drinks cold for 24 hours or hot for 12", "Leak-proof lid", "Fits most cup holders", "Free of BPA"],
            ["A vacuum flask for water, coffee or tea on the go.", "A reusable metal bottle that keeps drinks icy all day at school, the gym or the office."]),
        new("OUT", "Outdoor > Camping > Stoves", "Camping Stove", 19, 149,
            ["Backpacking Gas", "Two-Burner", "Wood-Burning"], ["silver", "green"],
            "fuel=butane-propane canister|butane-propane canister|twigs and wood pellets; weight=0.1 kg|4 kg|0.9 kg",
            ["Boils a litre of water in about four minutes", "Piezo ignition, no matches", "Folds into a small pouch", "Wind-shielded burner"],
            ["A portable stove for camp cooking, morning coffee and boil-in-the-bag meals.", "A compact outdoor cooker for hikers and campers."]),
        new("OUT", "Outdoor > Camping > Coolers", "Cool Box", 29, 299,
            ["25 l Hard", "Soft Cooler Bag 20 l", "Rolling 45 l", "Electric 12 V 30 l"], ["blue", "grey", "white", "red"],
            "capacity=25 l|20 l|45 l|30 l; ice retention=3 days|1 day|5 days|powered",
            ["Keeps food and drinks cold for days", "Doubles as a seat", "Drain plug for melted ice", "Strong carry handles"],
            ["An insulated cooler for picnics, barbecues and camping trips.", "A chill box that keeps beer, sandwiches and fish cold at the beach or the lake."]),
        new("OUT", "Outdoor > Hiking > Poles", "Trekking Poles", 24, 129,
            ["Aluminium Pair", "Carbon Folding Pair", "Anti-Shock Pair"], ["black", "blue", "red"],
            "material=aluminium|carbon fibre|aluminium; length=65-135 cm|110-130 cm|65-135 cm",
            ["Quick-lock length adjustment", "Cork grips soak up sweat", "Rubber feet for pavements", "Take strain off the knees downhill"],
            ["Walking sticks for hiking, Nordic walking and steep descents.", "Adjustable hiking poles that save your knees on long walks."]),
        new("OUT", "Outdoor > Camping > Hammocks", "Camping Hammock", 19, 89,
            ["Single", "Double", "With Mosquito Net"], ["olive", "orange", "turquoise"],
            "load=150 kg|200 kg|180 kg; material=parachute nylon",
            ["Tree straps included", "Packs into its own pouch", "Quick-drying fabric", "Sets up in two minutes"],
            ["A lightweight hammock for the garden, the beach or hanging between trees at camp.", "A portable hammock to relax in anywhere you find two trees."]),

        // Clothing
        new("CLO", "Clothing > Outerwear > Rain Jackets", "Waterproof Rain Jacket", 49, 249,
            ["Men's Packable", "Women's Packable", "Men's 3-Layer Shell", "Women's Hooded Trench", "Kids'"], ["black", "yellow", "navy", "red", "olive"],
            "waterproof rating=10000 mm|10000 mm|20000 mm|15000 mm|8000 mm; size=S-XXL|XS-XL|S-XXL|XS-XL|110-164",
            ["Fully taped seams keep the rain out", "Breathable membrane for hiking and cycling", "Adjustable hood with stiff peak", "Packs into its own pocket"],
            ["A lightweight raincoat that stays dry in downpours, for hiking, commuting and festivals.", "A breathable waterproof shell jacket with a hood, built for wet and windy weather."]),
        new("CLO", "Clothing > Outerwear > Insulated Jackets", "Down Puffer Jacket", 79, 299,
            ["Men's", "Women's", "Women's Long", "Men's Hooded"], ["black", "navy", "burgundy", "beige"],
            "fill=duck down|duck down|recycled synthetic|goose down; size=S-XXL|XS-XL|XS-XL|S-XXL",
            ["Warm, light insulation for cold days", "Packs into a stuff sack", "Water-repellent outer fabric", "Zip hand pockets"],
            ["A warm winter coat that squashes into a backpack.", "A quilted puffer jacket for freezing mornings, ski trips and city winters."]),
        new("CLO", "Clothing > Shoes > Running Shoes", "Running Shoes", 49, 189,
            ["Women's Cushioned Road", "Women's Lightweight Trail", "Women's Stability", "Women's Racing", "Women's Everyday"], ["pink", "white", "black", "lavender", "teal"],
            "size=EU 36-42; drop=8 mm|6 mm|10 mm|5 mm|8 mm; gender=women",
            ["Soft foam midsole absorbs impact", "Breathable knit upper", "Grippy rubber outsole", "Reflective details for dark mornings"],
            ["Ladies' running trainers for jogging, park runs and marathon training.", "Women's sneakers built for running, with springy cushioning and a snug fit."]),
        new("CLO", "Clothing > Shoes > Running Shoes", "Running Shoes", 49, 189,
            ["Men's Cushioned Road", "Men's Trail", "Men's Stability", "Men's Racing"], ["black", "blue", "grey", "orange"],
            "size=EU 40-47; drop=8 mm|6 mm|10 mm|5 mm; gender=men",
            ["Responsive foam for long runs", "Durable outsole", "Padded heel collar", "Wide toe box"],
            ["Men's running trainers for road runs, treadmill sessions and races.", "Lightweight sports shoes for jogging with a cushioned, stable ride."]),
        new("CLO", "Clothing > Shoes > Hiking Boots", "Waterproof Hiking Boots", 69, 229,
            ["Men's Mid", "Women's Mid", "Men's Leather", "Women's Lightweight"], ["brown", "grey", "black", "olive"],
            "size=EU 40-47|EU 36-42|EU 40-47|EU 36-42; upper=suede and mesh|suede and mesh|full-grain leather|synthetic",
            ["Waterproof membrane keeps feet dry in puddles and streams", "Deep-lugged sole grips on mud and rock", "Ankle support for uneven trails", "Cushioned insole"],
            ["Walking boots for hillwalking, muddy trails and wet weather.", "Sturdy trekking boots with grip, ankle support and dry feet all day."]),
        new("CLO", "Clothing > Shoes > Sneakers", "Canvas Sneakers", 29, 89,
            ["Low-Top", "High-Top", "Slip-On"], ["white", "black", "navy", "red"],
            "size=EU 36-46; material=cotton canvas",
            ["Classic rubber sole", "Cushioned footbed", "Machine washable", "Unisex sizing"],
            ["Casual trainers for everyday wear in town.", "Simple canvas shoes that go with jeans, shorts and dresses."]),
        new("CLO", "Clothing > Socks > Merino Socks", "Merino Wool Hiking Socks", 12, 39,
            ["3-Pair", "Cushioned", "Lightweight Liner"], ["grey", "charcoal", "green"],
            "material=merino wool blend; size=S|M|L",
            ["Naturally odour resistant", "Cushioned sole and heel", "Keeps feet warm when wet", "Seamless toe"],
            ["Warm wool socks for walking boots, skiing and cold offices.", "Soft, breathable merino socks that stay fresh on long hikes."]),
        new("CLO", "Clothing > Trousers > Jeans", "Stretch Jeans", 29, 99,
            ["Men's Slim", "Women's High-Rise Skinny", "Men's Straight", "Women's Wide-Leg", "Men's Relaxed"], ["dark blue", "black", "light blue", "grey"],
            "fit=slim|skinny|straight|wide leg|relaxed; material=organic cotton denim",
            ["Comfort stretch that keeps its shape", "Five-pocket styling", "Made with organic cotton", "Many lengths"],
            ["Everyday denim trousers for work and weekends.", "Soft stretch jeans that move with you."]),
        new("CLO", "Clothing > Tops > T-Shirts", "Organic Cotton T-Shirt", 9, 35,
            ["Men's Crew-Neck", "Women's V-Neck", "Unisex Oversized", "Kids'", "Men's Long-Sleeve"], ["white", "black", "heather grey", "navy", "forest green"],
            "material=100% organic cotton; size=S-XXL|XS-XL|XS-XXL|3-14 years|S-XXL",
            ["Soft, breathable cotton", "Pre-shrunk, keeps its shape", "Reinforced seams", "Easy to wash"],
            ["A plain tee for layering or wearing on its own.", "A basic short-sleeved top in soft organic cotton."]),
        new("CLO", "Clothing > Tops > Hoodies", "Fleece Hoodie", 24, 79,
            ["Men's Zip-Up", "Women's Pullover", "Kids'", "Unisex Heavyweight"], ["grey", "black", "dusty pink", "navy", "mustard"],
            "material=cotton and recycled polyester fleece; size=S-XXL|XS-XL|4-14 years|XS-XXL",
            ["Brushed fleece inside", "Kangaroo pocket", "Ribbed cuffs and hem", "Lined hood with drawcord"],
            ["A cosy hooded sweatshirt for lazy weekends and chilly evenings.", "A warm, soft hoodie for lounging, the gym or the school run."]),
        new("CLO", "Clothing > Accessories > Winter", "Knitted Beanie and Gloves Set", 14, 49,
            ["Touchscreen", "Merino", "Kids' Pom-Pom"], ["grey", "burgundy", "navy", "cream"],
            "material=acrylic knit|merino wool|acrylic knit; size=one size",
            ["Fleece-lined for extra warmth", "Touchscreen fingertips", "Stretchy cuffs", "Gift ready"],
            ["A warm woolly hat and glove set for winter walks and cold commutes.", "Winter accessories that keep head and hands warm on frosty days."]),
        new("CLO", "Clothing > Swimwear", "Swimsuit", 19, 69,
            ["Women's One-Piece Sport", "Women's Bikini", "Men's Swim Shorts", "Kids' Sun-Safe"], ["navy", "black", "coral", "turquoise"],
            "material=chlorine-resistant polyester|recycled nylon|quick-dry polyester|UPF 50+ fabric; size=XS-XL|XS-XL|S-XXL|2-12 years",
            ["Quick drying", "Holds colour in chlorine and salt water", "Comfortable fit for swimming laps", "Lined"],
            ["Swimwear for the pool, the sea and holidays.", "A bathing suit that stays in place for swimming and playing on the beach."]),

        // Home
        new("HOM", "Home > Bedding > Pillows", "Memory Foam Pillow", 19, 89,
            ["Contour Neck-Support", "Shredded Adjustable", "Cooling Gel", "Side-Sleeper"], ["white"],
            "size=60 x 40 cm|70 x 50 cm|60 x 40 cm|70 x 50 cm; filling=memory foam",
            ["Supports the neck for a better night's sleep", "Washable bamboo cover", "Adjustable height", "Certified free of harmful substances"],
            ["An ergonomic bed pillow that eases neck and shoulder pain.", "A supportive pillow for side and back sleepers that holds its shape."]),
        new("HOM", "Home > Bedding > Duvets", "Duvet", 29, 199,
            ["All-Seasons", "Summer Light", "Winter Warm", "Wool-Filled"], ["white"],
            "size=single|double|king|double; tog=4.5 + 9|4.5|13.5|10.5",
            ["Soft cotton cover", "Machine washable at 60 °C", "Box stitching keeps the filling even", "Suitable for allergy sufferers"],
            ["A warm comforter for a cosy bed in winter, or a light one for summer nights.", "A fluffy quilt that keeps you warm without overheating."]),
        new("HOM", "Home > Bedding > Sheets", "Cotton Bed Sheet Set", 24, 119,
            ["Percale Double", "Sateen King", "Linen Double", "Flannel Single"], ["white", "sage green", "grey", "blush", "navy"],
            "material=cotton percale|cotton sateen|washed linen|brushed cotton; pieces=fitted sheet, flat sheet, 2 pillowcases",
            ["Deep pockets fit thick mattresses", "Gets softer with every wash", "Breathable and cool", "Easy care"],
            ["Soft bed linen for a crisp, fresh bed.", "A sheet set with a fitted sheet and pillowcases for a good night's sleep."]),
        new("HOM", "Home > Cleaning > Vacuum Cleaners", "Cordless Stick Vacuum Cleaner", 99, 449,
            ["Lightweight", "Pet Hair", "Anti-Tangle", "Wet and Dry"], ["grey", "purple", "white", "red"],
            "runtime=40 min|60 min|45 min|35 min; suction=120 AW|180 AW|150 AW|130 AW",
            ["Converts to a handheld for stairs and car seats", "Wall-mounted charging dock", "Washable HEPA filter", "LED floor light shows hidden dust"],
            ["A battery-powered vacuum for quick clean-ups of floors, rugs and pet hair.", "A bagless cordless hoover that is light enough to carry upstairs."]),
        new("HOM", "Home > Cleaning > Robot Vacuums", "Robot Vacuum Cleaner", 149, 699,
            ["Smart Mapping", "Vacuum and Mop", "Self-Emptying"], ["black", "white"],
            "runtime=150 min|180 min|160 min; navigation=lidar|camera|lidar",
            ["Cleans on a schedule from the app", "Avoids stairs and cables", "Returns to its dock to charge", "Works with voice assistants"],
            ["An automatic vacuum that cleans the floors while you are out.", "A robotic cleaner that maps your home, hoovers and mops by itself."]),
        new("HOM", "Home > Lighting > Desk Lamps", "LED Desk Lamp", 19, 89,
            ["Dimmable", "Architect Arm", "With Wireless Charger", "Clip-On"], ["black", "white", "brass", "green"],
            "brightness=800 lm|600 lm|700 lm|400 lm; colour temperature=2700-6500 K",
            ["Flicker-free light that is easy on the eyes", "Adjustable arm and head", "Touch dimmer with memory", "USB charging port"],
            ["A reading lamp for homework, home offices and late-night study.", "A bright desk light with warm and cool settings."]),
        new("HOM", "Home > Bath > Towels", "Bath Towel Set", 19, 79,
            ["4-Piece", "6-Piece Luxury", "Quick-Dry Waffle"], ["white", "charcoal", "sea blue", "sand", "sage green"],
            "material=Egyptian cotton|Egyptian cotton|waffle cotton; weight=550 gsm|700 gsm|400 gsm",
            ["Thick, absorbent loops", "Soft even after many washes", "Hanging loops", "Bath sheets and hand towels included"],
            ["Fluffy bathroom towels for a spa feel at home.", "Absorbent cotton towels that dry quickly."]),
        new("HOM", "Home > Air > Air Purifiers", "HEPA Air Purifier", 79, 349,
            ["Bedroom", "Large Room", "Smart"], ["white", "grey"],
            "room size=20 m²|60 m²|40 m²; filter=true HEPA H13",
            ["Captures pollen, dust and pet dander", "Quiet night mode", "Air quality light", "Filter change reminder"],
            ["An air cleaner for people with allergies, hay fever or pets.", "A purifier that removes smoke, dust and odours for cleaner air at home."]),
        new("HOM", "Home > Decor > Candles", "Scented Candle", 9, 39,
            ["Large Jar", "Travel Tin", "Three-Wick"], ["white", "amber", "sage green"],
            "scent=fig and cedar|sea salt and sage|vanilla and tonka; burn time=60 h|20 h|45 h",
            ["Made with soy wax", "Cotton wicks", "Reusable glass jar", "Hand-poured"],
            ["A fragrant candle for a calm, cosy evening.", "A home fragrance candle that fills the room with a soft scent."]),
        new("HOM", "Home > Storage > Baskets", "Woven Storage Basket", 12, 49,
            ["Large with Handles", "Set of 3", "Laundry Hamper"], ["natural", "grey", "white"],
            "material=seagrass|cotton rope|bamboo; size=L|S, M, L|60 l",
            ["Sturdy handles", "Folds flat when not in use", "Holds toys, blankets or laundry", "Natural materials"],
            ["A decorative basket to tidy blankets, toys and magazines.", "A storage bin that hides clutter in the living room or nursery."]),
        new("HOM", "Home > Furniture > Chairs", "Upholstered Armchair", 149, 599,
            ["Wingback", "Scandinavian Lounge", "Reading Nook"], ["grey", "mustard", "green velvet", "navy"],
            "material=linen blend|bouclé|velvet; legs=solid oak",
            ["Deep seat with supportive back", "Removable cushion covers", "Easy to assemble", "Solid wood legs"],
            ["A comfy accent chair for reading in the living room or bedroom.", "A cosy lounge chair to curl up in with a book and a cup of tea."]),
        new("HOM", "Home > Kitchen Textiles > Tablecloths", "Linen Tablecloth", 19, 69,
            ["Rectangular", "Round", "Wipe-Clean"], ["white", "natural", "sage green", "terracotta"],
            "material=washed linen|washed linen|coated cotton; size=140 x 240 cm|150 cm diameter|140 x 200 cm",
            ["Stonewashed for softness", "Machine washable", "Hemmed edges", "Stain resistant finish"],
            ["A table cover for family dinners and garden parties.", "A relaxed linen cloth for the dining table."]),

        // Tools
        new("TOO", "Tools > Power Tools > Drills", "Cordless Drill Driver", 49, 249,
            ["12V Compact", "18V Brushless", "20V Hammer", "18V Two-Battery Kit"], ["yellow", "teal", "orange", "red"],
            "voltage=12 V|18 V|20 V|18 V; chuck=10 mm|13 mm|13 mm|13 mm; batteries=1|1|2|2",
            ["Two speeds and a 21-step clutch", "LED work light", "Fast charger included", "Drills wood, metal and, in hammer mode, brick"],
            ["A battery-powered drill and screwdriver for putting up shelves, assembling furniture and DIY jobs.", "A rechargeable power drill that drives screws and drills holes with no cable to trip over."]),
        new("TOO", "Tools > Power Tools > Impact Drivers", "Impact Driver", 69, 229,
            ["18V Brushless", "12V Compact", "18V Kit"], ["yellow", "teal", "red"],
            "voltage=18 V|12 V|18 V; torque=180 Nm|110 Nm|200 Nm",
            ["High torque drives long screws and bolts", "Quick-change hex chuck", "Three speed modes", "Belt clip"],
            ["A cordless impact screwdriver for decking, framing and stubborn bolts.", "Drive long screws in seconds with a battery impact driver."]),
        new("TOO", "Tools > Power Tools > Saws", "Circular Saw", 59, 259,
            ["Corded 1200 W", "Cordless 18V", "Compact Track"], ["yellow", "blue", "green"],
            "blade=190 mm|165 mm|120 mm; max cut=66 mm|55 mm|40 mm",
            ["Laser guide for straight cuts", "Bevel cuts up to 45 degrees", "Dust extraction port", "Blade included"],
            ["A power saw for cutting timber, plywood and worktops.", "A handheld circular saw for DIY carpentry and renovation."]),
        new("TOO", "Tools > Hand Tools > Screwdrivers", "Screwdriver Set", 12, 59,
            ["32-Piece Precision", "12-Piece Insulated", "Ratcheting"], ["red", "black", "yellow"],
            "pieces=32|12|24; tips=Phillips, slotted, Torx, hex",
            ["Magnetic tips hold screws", "Comfortable non-slip grips", "Storage case", "Hardened steel bits"],
            ["A toolkit of screwdrivers for electronics, furniture and household repairs.", "Hand screwdrivers in every common size for small fixes around the house."]),
        new("TOO", "Tools > Measuring > Laser Levels", "Cross-Line Laser Level", 29, 179,
            ["Self-Levelling", "Green Beam", "360-Degree"], ["yellow", "green"],
            "range=15 m|25 m|30 m; accuracy=±0.3 mm/m",
            ["Projects level and plumb lines", "Self-levels in seconds", "Tripod thread", "Locks for transport"],
            ["A laser level for hanging pictures, tiling and fitting kitchen cabinets straight.", "Get shelves and frames perfectly straight with a projected line."]),
        new("TOO", "Tools > Measuring > Tape Measures", "Tape Measure", 6, 29,
            ["5 m", "8 m", "Digital 10 m"], ["yellow", "black"],
            "length=5 m|8 m|10 m; blade width=19 mm|25 mm|25 mm",
            ["Blade lock and belt clip", "Rubber case survives drops", "Magnetic hook", "Clear metric markings"],
            ["A measuring tape for DIY, sewing and moving furniture.", "A sturdy tape rule for measuring rooms and timber."]),
        new("TOO", "Tools > Storage > Tool Boxes", "Tool Box", 19, 119,
            ["Rolling", "Cantilever", "Organiser Case"], ["black", "red", "grey"],
            "material=impact-resistant plastic|steel|plastic; size=large|medium|small",
            ["Removable tray", "Metal latches", "Stackable", "Small-parts organiser"],
            ["A box to keep tools, screws and fixings in order.", "Portable tool storage for the garage, the van or the shed."]),
        new("TOO", "Tools > Safety > Work Gloves", "Work Gloves", 6, 29,
            ["Cut-Resistant", "Leather", "Nitrile-Coated 6-Pair"], ["grey", "tan", "black"],
            "size=S-XL; protection=cut level C|abrasion|grip",
            ["Grip in wet and oily conditions", "Breathable backs", "Touchscreen compatible fingertips", "Machine washable"],
            ["Protective gloves for building work, gardening and moving house.", "Hard-wearing work gloves that protect hands from cuts and splinters."]),

        // Garden
        new("GAR", "Garden > Watering > Hoses", "Expandable Garden Hose", 19, 79,
            ["15 m", "30 m", "Hose Reel 25 m"], ["green", "blue", "black"],
            "length=15 m|30 m|25 m; spray patterns=10",
            ["Expands when water flows, shrinks when off", "Multi-pattern spray gun", "Kink-free", "Brass fittings"],
            ["A lightweight hosepipe for watering the garden, washing the car and filling the paddling pool.", "A flexible garden hose that stores small."]),
        new("GAR", "Garden > Hand Tools > Pruners", "Bypass Pruning Shears", 12, 49,
            ["Ergonomic", "Ratchet", "Long-Handled Lopper"], ["red", "orange", "green"],
            "cut capacity=20 mm|25 mm|45 mm; blade=carbon steel",
            ["Clean cuts that heal fast", "Safety lock", "Shock-absorbing bumper", "Replaceable blade"],
            ["Secateurs for roses, shrubs and fruit trees.", "Sharp garden clippers for pruning and deadheading."]),
        new("GAR", "Garden > Lawn > Mowers", "Cordless Lawn Mower", 149, 599,
            ["33 cm", "40 cm Self-Propelled", "Robotic"], ["green", "orange", "grey"],
            "cutting width=33 cm|40 cm|22 cm; lawn size=250 m²|600 m²|800 m²",
            ["Battery-powered, no petrol or cable", "Cutting heights from 20 to 70 mm", "Grass box with fill indicator", "Folds for storage"],
            ["A battery lawnmower for small and medium gardens.", "A quiet electric grass cutter with no cable to run over."]),
        new("GAR", "Garden > Pots > Planters", "Ceramic Plant Pot", 9, 69,
            ["Set of 3 Indoor", "Large Outdoor", "Self-Watering"], ["white", "terracotta", "sage green", "black"],
            "diameter=12, 15, 18 cm|40 cm|20 cm; drainage=yes",
            ["Drainage hole and saucer", "Frost resistant glaze", "Water reservoir", "Fits most houseplants"],
            ["Flower pots for houseplants, herbs and patio plants.", "Planters that make indoor plants and balcony gardens look good."]),
        new("GAR", "Garden > Furniture > Benches", "Garden Bench", 89, 349,
            ["Acacia Wood", "Metal Two-Seater", "Storage Bench"], ["natural wood", "black", "grey"],
            "material=acacia|powder-coated steel|polypropylene; seats=2-3",
            ["Weather resistant", "Easy assembly", "Holds 250 kg", "Storage box under the seat"],
            ["An outdoor seat for the patio or garden.", "A bench to sit in the sun with a morning coffee."]),

        // Toys
        new("TOY", "Toys > Building > Blocks", "Building Bricks Set", 14, 129,
            ["500-Piece Classic", "Starter 250-Piece", "Space Station", "Castle Adventure"], ["multicolour"],
            "pieces=500|250|820|640; age=4+|3+|8+|6+",
            ["Compatible with major brick brands", "Storage tub with lid", "Idea booklet", "Encourages creativity and fine motor skills"],
            ["Construction toy bricks for children who love to build.", "A building set to make houses, vehicles and anything kids imagine."]),
        new("TOY", "Toys > Wooden Toys > Train Sets", "Wooden Train Set", 24, 119,
            ["Starter 40-Piece", "Deluxe 100-Piece", "Farm"], ["natural wood"],
            "pieces=40|100|55; age=3+",
            ["Sustainably sourced beech wood", "Magnetic carriages", "Works with other wooden railways", "Child-safe paints"],
            ["A railway set for toddlers to build tracks and push trains.", "A classic wooden toy that grows with your child."]),
        new("TOY", "Toys > Soft Toys", "Plush Teddy Bear", 9, 49,
            ["Classic 30 cm", "Giant 80 cm", "Baby's First"], ["brown", "cream", "grey"],
            "height=30 cm|80 cm|20 cm; age=0+",
            ["Super soft fur", "Safety-stitched eyes", "Machine washable", "Huggable size"],
            ["A cuddly stuffed animal for bedtime.", "A soft teddy that makes a lovely birthday or baby-shower gift."]),
        new("TOY", "Toys > Puzzles > Jigsaws", "Jigsaw Puzzle", 9, 29,
            ["1000-Piece Landscape", "500-Piece Map", "Kids' 100-Piece"], ["multicolour"],
            "pieces=1000|500|100; age=12+|10+|5+",
            ["Thick card pieces that click together", "Poster included", "Sturdy box", "Printed with plant-based inks"],
            ["A puzzle for quiet evenings and family weekends.", "A challenging picture puzzle for adults and teens."]),
        new("TOY", "Toys > Games > Board Games", "Family Board Game", 14, 49,
            ["Strategy", "Cooperative Adventure", "Quick Party"], ["multicolour"],
            "players=2-4|1-5|4-10; age=10+|8+|12+; playing time=45 min|60 min|20 min",
            ["Simple rules, deep strategy", "High-quality components", "Play together against the game", "Great for game nights"],
            ["A tabletop game for family game night.", "A board game to play with friends and kids."]),
        new("TOY", "Toys > Vehicles > Remote Control", "Remote Control Car", 24, 99,
            ["Off-Road Monster Truck", "Stunt", "Racing 1:16"], ["red", "blue", "green"],
            "speed=25 km/h|15 km/h|35 km/h; age=6+|6+|8+",
            ["Rechargeable battery", "All-terrain tyres", "Two batteries double the play time", "Crash-resistant body"],
            ["An RC car for kids and grown-ups who like speed.", "A radio-controlled truck that races over grass, gravel and sand."]),
        new("TOY", "Toys > Arts & Crafts", "Kids' Art Set", 12, 39,
            ["150-Piece Drawing", "Watercolour", "Clay Modelling"], ["multicolour"],
            "pieces=150|36|24; age=5+|6+|4+",
            ["Washable, non-toxic colours", "Carry case", "Crayons, pencils and markers", "Craft idea cards"],
            ["A creative art kit for drawing, painting and colouring.", "Craft supplies that keep children busy on rainy days."]),
        new("TOY", "Toys > Dolls > Dolls' Houses", "Wooden Dolls' House", 49, 149,
            ["Three-Storey", "Cottage"], ["pink", "white"],
            "furniture=20 pieces|12 pieces; age=3+",
            ["Furniture included", "Open back for easy play", "Sturdy wood", "Easy to assemble"],
            ["A dolls' house for imaginative play.", "A toy house with furniture for dolls and little figures."]),

        // Beauty
        new("BEA", "Beauty > Oral Care > Toothbrushes", "Electric Toothbrush", 19, 149,
            ["Sonic", "Rotating", "Kids'", "Travel"], ["white", "black", "pink", "blue"],
            "modes=5|3|2|3; battery life=4 weeks|2 weeks|3 weeks|6 weeks",
            ["Two-minute timer with 30-second pulses", "Pressure sensor protects gums", "Travel case", "Extra brush heads included"],
            ["A rechargeable toothbrush that cleans better than a manual brush.", "A sonic toothbrush for whiter teeth and healthier gums."]),
        new("BEA", "Beauty > Hair Care > Hair Dryers", "Hair Dryer", 19, 199,
            ["Ionic 2200 W", "Compact Travel", "Diffuser Curl", "Quiet Professional"], ["black", "pink", "white", "rose gold"],
            "power=2200 W|1200 W|2000 W|2100 W; settings=3 heat, 2 speed",
            ["Ionic technology for less frizz", "Cool shot button", "Concentrator and diffuser nozzles", "Foldable handle"],
            ["A blow dryer for fast, smooth, frizz-free hair.", "A powerful hairdryer that dries thick hair quickly without damage."]),
        new("BEA", "Beauty > Skin Care > Moisturisers", "Daily Face Moisturiser", 9, 49,
            ["Hydrating", "Oil-Free Mattifying", "Sensitive Skin", "Night Repair"], ["white"],
            "volume=50 ml; skin type=dry|oily|sensitive|all",
            ["With hyaluronic acid", "Fragrance free", "Non-comedogenic", "Dermatologically tested"],
            ["A face cream that keeps skin soft and hydrated all day.", "A light facial moisturiser that soothes dry or sensitive skin."]),
        new("BEA", "Beauty > Sun Care", "Sunscreen SPF 50", 7, 29,
            ["Face Fluid", "Family Lotion", "Kids' Spray", "Sport"], ["white"],
            "volume=50 ml|200 ml|150 ml|100 ml; protection=SPF 50, UVA and UVB",
            ["Water resistant", "No white cast", "Reef-friendly filters", "Quickly absorbed"],
            ["Sun cream that protects skin at the beach, on the slopes and every day.", "High-protection sun lotion for the whole family."]),
        new("BEA", "Beauty > Shaving > Trimmers", "Beard Trimmer", 19, 99,
            ["Precision", "All-in-One Grooming Kit", "Waterproof"], ["black", "silver", "blue"],
            "lengths=0.5-10 mm|0.5-20 mm|1-7 mm; runtime=90 min|120 min|60 min",
            ["Self-sharpening steel blades", "Cordless and rechargeable", "Washable head", "Length combs included"],
            ["An electric beard and stubble trimmer for a neat look.", "A cordless grooming clipper for beards, moustaches and hairlines."]),
        new("BEA", "Beauty > Hair Care > Shampoo", "Shampoo", 5, 24,
            ["Repair", "Volume", "Anti-Dandruff", "Curl Care", "Solid Bar"], ["white"],
            "volume=250 ml|250 ml|300 ml|250 ml|60 g; hair type=damaged|fine|flaky scalp|curly|all",
            ["Free of sulfates and silicones", "Vegan formula", "Recyclable bottle", "Gentle enough for daily use"],
            ["A hair wash that leaves hair clean, soft and shiny.", "A gentle shampoo for healthy hair and scalp."]),
        new("BEA", "Beauty > Makeup > Brushes", "Makeup Brush Set", 9, 49,
            ["12-Piece", "Travel 5-Piece", "Vegan"], ["black", "rose gold", "lilac"],
            "pieces=12|5|10; bristles=synthetic",
            ["Soft, dense bristles", "Foundation, powder and eyeshadow brushes", "Storage pouch", "Cruelty free"],
            ["Cosmetic brushes for foundation, blush and eye makeup.", "A complete set of makeup tools for a flawless finish."]),
        new("BEA", "Beauty > Fragrance", "Eau de Parfum", 24, 99,
            ["Citrus Grove", "Midnight Amber", "White Tea", "Cedar and Vetiver"], ["clear"],
            "volume=50 ml|50 ml|30 ml|100 ml; notes=bergamot, neroli|amber, vanilla|white tea, jasmine|cedar, vetiver",
            ["Long-lasting scent", "Refillable bottle", "Gift boxed", "Made in small batches"],
            ["A perfume with a fresh or warm signature scent.", "A fragrance gift for birthdays and anniversaries."]),

        // Sports
        new("SPO", "Sports > Fitness > Yoga", "Yoga Mat", 14, 89,
            ["6 mm Non-Slip", "Travel 2 mm", "Cork", "Extra-Thick 10 mm"], ["purple", "teal", "natural", "black", "pink"],
            "thickness=6 mm|2 mm|4 mm|10 mm; material=TPE|natural rubber|cork and rubber|NBR foam",
            ["Grippy surface for downward dog", "Alignment lines", "Carry strap", "Easy to clean"],
            ["An exercise mat for yoga, pilates and stretching at home.", "A cushioned floor mat for workouts and meditation."]),
        new("SPO", "Sports > Fitness > Weights", "Adjustable Dumbbells", 49, 399,
            ["2 x 10 kg", "2 x 20 kg", "Quick-Dial 24 kg", "Kettlebell 12 kg"], ["black", "grey"],
            "weight=2 x 10 kg|2 x 20 kg|2.5-24 kg|12 kg; material=cast iron|cast iron|steel and plastic|cast iron",
            ["Change weights in seconds", "Replaces a rack of dumbbells", "Knurled anti-slip handle", "Compact storage tray"],
            ["Free weights for strength training at home.", "A home gym set for curls, presses and full-body workouts."]),
        new("SPO", "Sports > Fitness > Resistance Bands", "Resistance Bands Set", 9, 39,
            ["5 Loop Bands", "Tube Bands with Handles", "Fabric Booty Bands"], ["multicolour", "black", "pink"],
            "levels=5|5|3; material=latex|latex|cotton fabric",
            ["Five resistance levels", "Door anchor included", "Exercise guide", "Fits in a bag"],
            ["Exercise bands for physiotherapy, stretching and strength workouts.", "Elastic workout bands for a full-body training at home or on holiday."]),
        new("SPO", "Sports > Cycling > Helmets", "Bike Helmet", 24, 149,
            ["Road", "Commuter with Light", "Kids'", "Mountain Bike"], ["white", "black", "red", "blue"],
            "size=S|M|L|XS-S; weight=250 g|350 g|280 g|320 g",
            ["In-mould shell", "Adjustable dial fit", "Ventilation channels", "Removable washable pads"],
            ["A cycling helmet for commuting, road rides and mountain biking.", "A lightweight bicycle helmet that keeps your head safe and cool."]),
        new("SPO", "Sports > Team Sports > Football", "Football", 9, 49,
            ["Match Size 5", "Training Size 4", "Futsal"], ["white", "yellow", "orange"],
            "size=5|4|4 low bounce; surface=grass|grass and artificial turf|indoor",
            ["Hand-stitched panels", "Holds its shape and pressure", "Pump needle included", "Durable cover"],
            ["A soccer ball for matches, training and kickabouts in the park.", "A durable football for kids and adults."]),
        new("SPO", "Sports > Racket Sports > Tennis", "Tennis Racket", 24, 199,
            ["Beginner", "Intermediate Graphite", "Junior 25-Inch"], ["blue", "black", "green"],
            "weight=280 g|300 g|240 g; head size=645 cm²|630 cm²|600 cm²",
            ["Pre-strung", "Comfortable grip", "Cover included", "Large sweet spot"],
            ["A tennis racquet for beginners and club players.", "A lightweight racket for rallies and lessons."]),
        new("SPO", "Sports > Fitness > Jump Ropes", "Speed Jump Rope", 6, 29,
            ["Adjustable Steel Cable", "Weighted", "Beaded"], ["black", "red", "rainbow"],
            "length=up to 3 m; handles=aluminium|foam|plastic",
            ["Ball-bearing handles spin smoothly", "Adjustable length", "Tangle free", "Counter in handle"],
            ["A skipping rope for cardio, boxing training and CrossFit.", "A jump rope for fast, fun fat-burning workouts."]),
        new("SPO", "Sports > Recovery > Foam Rollers", "Foam Roller", 9, 49,
            ["Textured", "Vibrating", "Smooth Long"], ["black", "blue", "orange"],
            "length=33 cm|30 cm|90 cm; firmness=medium|firm|soft",
            ["Eases tight muscles after training", "Textured surface for trigger points", "Holds 150 kg", "Light to carry"],
            ["A massage roller for sore legs and back after running or the gym.", "A recovery tool for stretching and self-massage."]),
        new("SPO", "Sports > Swimming > Goggles", "Swimming Goggles", 7, 35,
            ["Anti-Fog", "Mirrored Racing", "Kids'"], ["blue", "black", "pink", "clear"],
            "lens=anti-fog polycarbonate; UV protection=yes",
            ["Leak-proof silicone seals", "Wide field of view", "Adjustable strap", "Case included"],
            ["Swim goggles for lane swimming, triathlon and holidays.", "Comfortable goggles that do not fog or leak."]),
        new("SPO", "Sports > Running > Accessories", "Running Belt", 9, 29,
            ["Slim", "Hydration with Bottles"], ["black", "blue", "neon yellow"],
            "capacity=phone and keys|2 x 250 ml bottles",
            ["No bounce when running", "Fits large phones", "Reflective stripes", "Adjustable waist"],
            ["A waist pack to carry phone, keys and gels on runs.", "A running pouch that stays in place."]),

        // Office
        new("OFF", "Office > Furniture > Chairs", "Ergonomic Office Chair", 99, 549,
            ["Mesh", "High-Back with Headrest", "Compact"], ["black", "grey", "white"],
            "max load=120 kg|150 kg|110 kg; armrests=4D|4D|fixed",
            ["Adjustable lumbar support", "Breathable mesh back", "Seat depth and height adjustment", "Smooth-rolling castors"],
            ["A desk chair for long hours at the computer without back pain.", "A supportive swivel chair for the home office."]),
        new("OFF", "Office > Furniture > Desks", "Electric Standing Desk", 199, 699,
            ["120 x 60 cm", "140 x 70 cm", "160 x 80 cm Dual Motor"], ["white", "oak", "black", "walnut"],
            "desktop=120 x 60 cm|140 x 70 cm|160 x 80 cm; height=72-118 cm|70-120 cm|62-127 cm",
            ["Quiet motor with memory presets", "Anti-collision sensor", "Cable tray", "Sturdy steel frame"],
            ["A height-adjustable desk to switch between sitting and standing while you work.", "A sit-stand desk for a healthier home office."]),
        new("OFF", "Office > Paper > Notebooks", "Hardcover Notebook", 6, 24,
            ["A5 Dotted", "A5 Lined", "A4 Squared", "Pocket Plain"], ["black", "navy", "sage green", "burgundy"],
            "size=A5|A5|A4|A6; pages=192|192|160|128; paper=100 gsm",
            ["Thick paper, no ink bleed", "Lay-flat binding", "Ribbon bookmark and elastic band", "Numbered pages"],
            ["A journal for bullet journaling, sketching and meeting notes.", "A notebook with smooth paper for writing and planning."]),
        new("OFF", "Office > Writing > Pens", "Gel Pens", 4, 19,
            ["Black 12-Pack", "Colour 24-Pack", "Fine 0.38 mm"], ["black", "multicolour", "blue"],
            "tip=0.5 mm|0.7 mm|0.38 mm; pieces=12|24|10",
            ["Smooth, quick-drying ink", "Comfortable grip", "Retractable", "Refillable"],
            ["Pens for writing, journaling and colouring.", "Smooth gel ink pens that do not smudge."]),
        new("OFF", "Office > Desk Accessories > Organisers", "Desk Organiser", 9, 39,
            ["Bamboo", "Mesh Metal", "Drawer Unit"], ["natural", "black", "white"],
            "material=bamboo|steel mesh|plastic; compartments=6|5|4 drawers",
            ["Holds pens, sticky notes and phone", "Keeps the desk tidy", "Non-slip feet", "Easy to assemble"],
            ["A desk tidy for pens, stationery and cables.", "Storage that keeps a cluttered workspace organised."]),
        new("OFF", "Office > Machines > Shredders", "Paper Shredder", 39, 199,
            ["Cross-Cut 8-Sheet", "Micro-Cut 12-Sheet", "Auto-Feed 100-Sheet"], ["black"],
            "security=P-4|P-5|P-4; bin=14 l|22 l|30 l",
            ["Shreds credit cards and staples", "Overheat protection", "Quiet operation", "Pull-out bin"],
            ["A document shredder to destroy bank statements and personal papers.", "A cross-cut shredder for home and small offices."]),
        new("OFF", "Office > Desk Accessories > Monitor Arms", "Monitor Arm", 24, 129,
            ["Single Gas-Spring", "Dual", "Laptop Stand"], ["black", "silver", "white"],
            "screens=1|2|laptop; max screen=32 in|27 in each|17 in",
            ["Frees up desk space", "Tilt, swivel and rotate", "Clamp or grommet mount", "Cable management"],
            ["A screen mount that lifts your monitor to eye level.", "An adjustable display arm for a more ergonomic workstation."]),
        new("OFF", "Office > Supplies > Labels", "Label Printer", 29, 99,
            ["Handheld", "Bluetooth"], ["white", "grey"],
            "tape width=12 mm|24 mm; connectivity=keyboard|phone app",
            ["Prints on durable laminated tape", "Fonts and symbols", "Rechargeable", "Label files, boxes and cables"],
            ["A label maker to organise the pantry, office and garage.", "A small printer for sticky labels."]),

        // Pets
        new("PET", "Pets > Dogs > Beds", "Orthopaedic Dog Bed", 24, 129,
            ["Medium", "Large", "Donut Calming"], ["grey", "brown", "navy", "beige"],
            "size=80 x 60 cm|110 x 80 cm|70 cm diameter; filling=memory foam|memory foam|fibre",
            ["Supports old joints", "Removable washable cover", "Non-slip base", "Raised edges for head rest"],
            ["A comfy bed for dogs and puppies to sleep soundly.", "A cushioned pet bed that eases sore joints."]),
        new("PET", "Pets > Cats > Scratchers", "Cat Scratching Post", 14, 99,
            ["Tall Sisal", "Cat Tree Tower", "Corner Board"], ["beige", "grey"],
            "height=80 cm|150 cm|50 cm; material=sisal rope",
            ["Saves your sofa from claws", "Hanging toy", "Sturdy base", "Cosy hideaway"],
            ["A scratcher that keeps cats busy and furniture safe.", "A cat tree to climb, scratch and nap on."]),
        new("PET", "Pets > Dogs > Leads", "Dog Lead and Harness", 9, 49,
            ["No-Pull Harness", "Reflective Lead", "Retractable Lead 5 m"], ["red", "blue", "black", "orange"],
            "size=S|M|L; material=nylon webbing",
            ["Reflective stitching for night walks", "Padded handle", "Quick-release buckle", "Strong metal clip"],
            ["A leash and harness for daily walks.", "Comfortable walking gear for dogs that pull."]),
        new("PET", "Pets > Feeding > Feeders", "Automatic Pet Feeder", 39, 119,
            ["4 l Programmable", "Wi-Fi with Camera"], ["white", "grey"],
            "capacity=4 l|5 l; meals=up to 6 a day",
            ["Feeds on a schedule while you are away", "Record a voice message", "Battery backup", "Dishwasher-safe bowl"],
            ["A food dispenser for cats and dogs on a timer.", "An automatic feeder so pets get meals on time."]),
    ];

    public static List<string> Generate()
    {
        var random = new SplitMix64(0x5EED_CA7A_1061_0001UL);
        var lines = new List<string>();
        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var kind in Kinds)
        {
            var top = kind.Category.Split(" > ")[0];
            var brands = Brands[top];
            var attributes = ParseAttributes(kind.Attributes);
            var brandOffset = random.Next(brands.Length);
            for (var i = 0; i < kind.Models.Length; i++)
            {
                counters[kind.Code] = counters.GetValueOrDefault(kind.Code) + 1;
                var brand = brands[(brandOffset + i) % brands.Length];
                var model = kind.Models[i];
                var color = kind.Colors[(i + random.Next(kind.Colors.Length)) % kind.Colors.Length];
                lines.Add(Write(kind, counters[kind.Code], i, brand, model, color, attributes, random));
            }
        }

        return lines;
    }

    private static string Write(Kind kind, int number, int variant, string brand, string model, string color, List<(string Name, string[] Values)> attributes, SplitMix64 random)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("id", $"{kind.Code}-{number:D4}");
            json.WriteString("title", $"{brand} {model} {kind.Noun}");
            json.WriteString("brand", brand);
            json.WriteStartArray("category");
            foreach (var level in kind.Category.Split(" > "))
            {
                json.WriteStringValue(level);
            }

            json.WriteEndArray();
            json.WriteString("color", color);
            json.WriteNumber("price", Price(kind, variant, random));
            json.WriteString("currency", "EUR");
            json.WriteBoolean("inStock", random.NextDouble() < 0.85);
            json.WriteNumber("rating", Math.Round(3.4 + (random.NextDouble() * 1.5), 1));
            json.WriteNumber("ratingCount", 3 + random.Next(2400));
            json.WriteStartObject("attributes");
            foreach (var (name, values) in attributes)
            {
                json.WriteString(name, values[variant % values.Length]);
            }

            json.WriteEndObject();

            // Three or four bullets, rotated so variants of a kind do not read the same.
            json.WriteStartArray("bullets");
            var count = Math.Min(kind.Bullets.Length, 3 + random.Next(2));
            for (var b = 0; b < count; b++)
            {
                json.WriteStringValue(kind.Bullets[(variant + b) % kind.Bullets.Length]);
            }

            json.WriteEndArray();
            json.WriteString("description", kind.Descriptions[variant % kind.Descriptions.Length]);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Models are listed cheapest-ish first; spread them over the range, jitter, and end in .99 or .49.</summary>
    private static decimal Price(Kind kind, int variant, SplitMix64 random)
    {
        var share = (variant + 0.5) / kind.Models.Length;
        var jitter = 0.85 + (random.NextDouble() * 0.3);
        var raw = (double)kind.MinPrice + ((double)(kind.MaxPrice - kind.MinPrice) * share * jitter);
        var whole = Math.Max(1, (int)Math.Floor(raw));
        return whole + (random.Next(3) == 0 ? 0.49m : 0.99m);
    }

    private static List<(string Name, string[] Values)> ParseAttributes(string spec) =>
        [.. spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Select(pair => (pair[0].Trim(), pair[1].Split('|', StringSplitOptions.TrimEntries)))];
}

/// <summary>SplitMix64: tiny, fast and identical on every platform and runtime version.</summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
