"""Built-in name, street and place lists (all synthetic combinations; no downloads, no Faker).

First and last names are common US given names and surnames, mixed so that any full name is a
random combination, never a real person's record. Cities are paired with a state and a ZIP that
look plausible.
"""

from __future__ import annotations

FIRST_F = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Margaret Sandra Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah "
    "Stephanie Rebecca Sharon Laura Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma "
    "Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet Catherine Maria "
    "Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn "
    "Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances "
    "Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle "
    "Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Aaliyah "
    "Ximena Guadalupe Mei Priya Aisha Fatima Yuki Nadia Leticia Rosa Camila"
).split()
FIRST_M = (
    "James Robert John Michael David William Richard Joseph Thomas Charles Christopher Daniel "
    "Matthew Anthony Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Edward Jason Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Ethan Walter Noah Jeremy "
    "Christian Keith Roger Terry Gerald Harold Sean Austin Carl Arthur Lawrence Dylan Jesse "
    "Jordan Bryan Billy Joe Bruce Gabriel Logan Albert Willie Alan Juan Wayne Elijah Randy Roy "
    "Vincent Ralph Eugene Russell Bobby Mason Philip Louis Darnell Luis Carlos Miguel Wei "
    "Hiroshi Rahul Omar Mohammed Dmitri Tariq Andre Kwame Mateo Diego Arjun"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales "
    "Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos "
    "Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry "
    "Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons "
    "Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West "
    "Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro "
    "Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry "
    "Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez "
    "Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd "
    "Rose Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols "
    "Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce "
    "Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong "
    "Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston "
    "Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval O'Brien O'Connor "
    "Okafor Nakamura Kowalski Novak Haddad Singh Shah Yamamoto Abernathy Lindqvist"
).split()
STREETS = (
    "Maple Oak Pine Cedar Elm Washington Lake Hill Park Main Church High School Spring Center "
    "Union Chestnut Walnut Cherry Highland Prospect Pleasant Mill River Forest Franklin "
    "Jefferson Lincoln Madison Adams Jackson Meadow Ridge Sunset Valley Willow Birch Hickory "
    "Spruce Summit Orchard Harbor Bay Beacon Cambridge Common Fairview Glen Grove Hawthorne "
    "Kensington Laurel Linden Magnolia Mystic Newbury Parker Quincy Revere Salem Sherman "
    "Tremont Vernon Warren Winter"
).split()
STREET_TYPES = ("St", "Ave", "Rd", "Dr", "Ln", "Way", "Ct", "Blvd", "Street", "Avenue", "Road")
UNIT_FORMS = ("", "", "", "", "Apt 2", "Apt 3B", "Unit 5", "#12", "Apt 101", "Fl 2")
# (city, state, zip) triples: plausible New England and mid-Atlantic places.
CITIES = (
    ("Springfield", "MA", "01103"),
    ("Worcester", "MA", "01608"),
    ("Lowell", "MA", "01852"),
    ("Cambridge", "MA", "02139"),
    ("Quincy", "MA", "02169"),
    ("Lynn", "MA", "01902"),
    ("Brockton", "MA", "02301"),
    ("Newton", "MA", "02458"),
    ("Somerville", "MA", "02143"),
    ("Framingham", "MA", "01702"),
    ("Waltham", "MA", "02451"),
    ("Malden", "MA", "02148"),
    ("Medford", "MA", "02155"),
    ("Taunton", "MA", "02780"),
    ("Chicopee", "MA", "01013"),
    ("Revere", "MA", "02151"),
    ("Peabody", "MA", "01960"),
    ("Methuen", "MA", "01844"),
    ("Providence", "RI", "02903"),
    ("Warwick", "RI", "02886"),
    ("Cranston", "RI", "02910"),
    ("Pawtucket", "RI", "02860"),
    ("Nashua", "NH", "03060"),
    ("Manchester", "NH", "03101"),
    ("Concord", "NH", "03301"),
    ("Portland", "ME", "04101"),
    ("Bangor", "ME", "04401"),
    ("Hartford", "CT", "06103"),
    ("New Haven", "CT", "06510"),
    ("Stamford", "CT", "06901"),
    ("Burlington", "VT", "05401"),
    ("Albany", "NY", "12207"),
    ("Yonkers", "NY", "10701"),
    ("Danbury", "CT", "06810"),
    ("Fall River", "MA", "02720"),
    ("New Bedford", "MA", "02740"),
    ("Haverhill", "MA", "01830"),
    ("Salem", "MA", "01970"),
    ("Pittsfield", "MA", "01201"),
    ("Leominster", "MA", "01453"),
)
AREA_CODES = (
    "617",
    "508",
    "781",
    "413",
    "978",
    "401",
    "603",
    "207",
    "860",
    "203",
    "802",
    "518",
    "914",
)
EMAIL_DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "aol.com",
    "icloud.com",
    "comcast.net",
    "hotmail.com",
)
# Workforce names for providers (not patient PHI in structured columns).
PROVIDER_LAST = (
    "Abrams Bhatt Castellano Delacroix Eriksen Fairbanks Goldberg Hollis Iyer Jablonski Kaufman "
    "Lindgren Moreau Nwosu Ostrowski Pacheco Quintero Rasmussen Sorensen Takahashi Underwood "
    "Valenti Whitaker Xiong Yilmaz Zimmerman Albright Bianchi Chowdhury Dorsey Espinoza "
    "Friedman Gallagher Hoang Ibarra Jorgensen Kapoor Lombardi Mahoney Nakashima Oyelaran "
    "Petrakis Quinlan Rosenthal Saito Thibodeau"
).split()
RELATIONS = (
    "daughter",
    "son",
    "wife",
    "husband",
    "sister",
    "brother",
    "mother",
    "niece",
    "grandson",
    "neighbor",
)
TITLES_F = ("Mrs.", "Ms.", "Miss")
TITLES_M = ("Mr.",)
