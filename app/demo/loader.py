"""The demo offer: partner organisations and offerings of the three municipalities.

The offerings are written as rows of the import contract and loaded through the importer,
so the demo takes the same path as a municipality's spreadsheet. Dates are relative to the
day it runs, so there is always something upcoming, something full and something closed.
Running it again updates the same rows.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.localtime import MADRID
from app.models import Municipality, Organisation, OrganisationKind
from app.services.imports import COLUMN_NAMES, ImportResult, import_offerings
from app.services.reference import ensure_reference_data

PARTNERSHIP_START = date(2024, 2, 8)


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: OrganisationKind
    municipality: str
    sector: str
    website: str | None = None
    member_since: date | None = None  # None: mapped in the ecosystem, not a member


ORGANISATIONS = (
    DemoOrganisation(
        "Ayuntamiento de Las Rozas de Madrid",
        OrganisationKind.PUBLIC_BODY,
        "las-rozas",
        "Administración local",
        member_since=PARTNERSHIP_START,
    ),
    DemoOrganisation(
        "Ayuntamiento de Boadilla del Monte",
        OrganisationKind.PUBLIC_BODY,
        "boadilla-del-monte",
        "Administración local",
        member_since=PARTNERSHIP_START,
    ),
    DemoOrganisation(
        "Ayuntamiento de Majadahonda",
        OrganisationKind.PUBLIC_BODY,
        "majadahonda",
        "Administración local",
        member_since=PARTNERSHIP_START,
    ),
    DemoOrganisation(
        "Universidad Sierra Oeste",
        OrganisationKind.UNIVERSITY,
        "majadahonda",
        "Educación superior",
        "https://universidad-sierra-oeste.example",
        date(2024, 3, 15),
    ),
    DemoOrganisation(
        "IES Valle de la Encina",
        OrganisationKind.SCHOOL,
        "las-rozas",
        "Educación secundaria",
        member_since=date(2024, 9, 16),
    ),
    DemoOrganisation(
        "Colegio Público Los Pinares",
        OrganisationKind.SCHOOL,
        "boadilla-del-monte",
        "Educación primaria",
        member_since=date(2024, 9, 9),
    ),
    DemoOrganisation(
        "Academia Código Oeste",
        OrganisationKind.TRAINING_PROVIDER,
        "las-rozas",
        "Formación en programación",
        "https://codigo-oeste.example",
        date(2024, 4, 10),
    ),
    DemoOrganisation(
        "Escuela Digital Guadarrama",
        OrganisationKind.TRAINING_PROVIDER,
        "majadahonda",
        "Formación profesional para el empleo",
        "https://escuela-guadarrama.example",
        date(2024, 5, 20),
    ),
    DemoOrganisation(
        "Impulsa Oeste Incubadora",
        OrganisationKind.INCUBATOR,
        "boadilla-del-monte",
        "Emprendimiento",
        "https://impulsa-oeste.example",
        date(2024, 3, 1),
    ),
    DemoOrganisation(
        "Nubaria Sistemas",
        OrganisationKind.COMPANY,
        "las-rozas",
        "Servicios en la nube",
        "https://nubaria.example",
        date(2024, 6, 3),
    ),
    DemoOrganisation(
        "Ciberescudo Consultores",
        OrganisationKind.COMPANY,
        "boadilla-del-monte",
        "Ciberseguridad",
        "https://ciberescudo.example",
        date(2025, 1, 15),
    ),
    DemoOrganisation(
        "Datalia Analítica",
        OrganisationKind.COMPANY,
        "majadahonda",
        "Análisis de datos",
        "https://datalia.example",
    ),
    DemoOrganisation(
        "Asociación Mujeres Tech Noroeste",
        OrganisationKind.ASSOCIATION,
        "majadahonda",
        "Igualdad en tecnología",
        member_since=date(2024, 10, 1),
    ),
    DemoOrganisation(
        "Fundación Ciencia Cerca",
        OrganisationKind.ASSOCIATION,
        "boadilla-del-monte",
        "Divulgación científica",
        "https://ciencia-cerca.example",
        date(2024, 11, 4),
    ),
    DemoOrganisation(
        "Asociación de Empresarios Madrid Oeste",
        OrganisationKind.ASSOCIATION,
        "las-rozas",
        "Tejido empresarial",
    ),
    DemoOrganisation(
        "FabLab Noroeste",
        OrganisationKind.ASSOCIATION,
        "majadahonda",
        "Fabricación digital",
    ),
)

VENUES = {
    "rozas-innova": (
        "Centro de Innovación Digital de Las Rozas",
        "Calle de la Cañada Real 12, 28231 Las Rozas de Madrid",
    ),
    "rozas-biblioteca": (
        "Biblioteca Municipal Las Rozas Centro",
        "Plaza de España 3, 28231 Las Rozas de Madrid",
    ),
    "ies-encina": (
        "IES Valle de la Encina",
        "Calle del Instituto 5, 28232 Las Rozas de Madrid",
    ),
    "boadilla-vivero": (
        "Vivero de Empresas de Boadilla",
        "Calle Francisco Alonso 7, 28660 Boadilla del Monte",
    ),
    "boadilla-cultural": (
        "Centro Cultural de Boadilla",
        "Avenida Infante Don Luis 8, 28660 Boadilla del Monte",
    ),
    "pinares": (
        "Colegio Público Los Pinares",
        "Calle de los Pinos 14, 28660 Boadilla del Monte",
    ),
    "majadahonda-cultura": (
        "Casa de la Cultura de Majadahonda",
        "Plaza Mayor 2, 28220 Majadahonda",
    ),
    "campus": (
        "Campus de la Universidad Sierra Oeste",
        "Avenida de la Universidad 1, 28220 Majadahonda",
    ),
    "fablab": (
        "FabLab Noroeste",
        "Calle del Doctor Calero 20, 28220 Majadahonda",
    ),
}

# A paragraph about how each kind of activity works, added after each offering's own text.
KIND_NOTES = {
    "bootcamp": (
        "El bootcamp es intensivo: cada sesión combina una explicación breve con práctica "
        "guiada, y entre sesiones hay ejercicios cortos para afianzar lo aprendido. Al "
        "terminar recibirás un certificado de aprovechamiento si asistes al 80 % de las horas.",
        "The bootcamp is intensive: each session pairs a short explanation with guided "
        "practice, and short exercises between sessions help the skills stick. You receive a "
        "certificate of completion if you attend 80% of the hours.",
    ),
    "training-cycle": (
        "Es un ciclo de varias semanas con una progresión pensada de principio a fin. Cada "
        "módulo se apoya en el anterior, así que conviene asistir a todas las sesiones.",
        "This is a cycle of several weeks that builds step by step. Each module rests on the "
        "previous one, so it is worth attending every session.",
    ),
    "workshop": (
        "En el taller se trabaja con las manos desde el primer minuto, en grupos reducidos y "
        "con el material que te proporcionamos.",
        "In the workshop you work hands-on from the first minute, in small groups and with "
        "the materials we provide.",
    ),
    "talk": (
        "La charla dura en torno a una hora y deja tiempo al final para preguntas del público.",
        "The talk lasts about an hour and leaves time at the end for questions from the floor.",
    ),
    "science-week-activity": (
        "Forma parte de la Semana de la Ciencia de Madrid Oeste Tecnológico: actividades "
        "gratuitas para acercar la ciencia y la tecnología a todas las edades.",
        "It is part of the Madrid Oeste Tecnológico Science Week: free activities that bring "
        "science and technology closer to people of every age.",
    ),
    "steam-congress": (
        "El Congreso STEAM reúne cada año a docentes, investigadores, empresas y estudiantes "
        "de los tres municipios para compartir proyectos de ciencia, tecnología, ingeniería, "
        "arte y matemáticas.",
        "The STEAM Congress brings together teachers, researchers, companies and students "
        "from the three municipalities every year to share projects in science, technology, "
        "engineering, arts and maths.",
    ),
    "smart-schools": (
        "La inscripción la hace el centro educativo para un grupo completo; indica el número "
        "de alumnos y el docente responsable. Las plazas se cuentan por alumno.",
        "The school registers a whole class; give the number of pupils and the teacher in "
        "charge. Places are counted per pupil.",
    ),
    "acceleration": (
        "La participación es por candidatura: un comité revisa cada proyecto y comunica la "
        "decisión por correo electrónico en un plazo de dos semanas tras el cierre.",
        "Places are awarded by application: a committee reviews every project and announces "
        "its decision by email within two weeks of the deadline.",
    ),
    "incubation": (
        "La incubación incluye puesto de trabajo en el vivero, acompañamiento de un tutor y "
        "acceso a la red de contactos de la asociación. Se accede por candidatura.",
        "Incubation includes a desk at the business centre, a dedicated tutor and access to "
        "the partnership's network. Places are awarded by application.",
    ),
    "mentoring": (
        "Cada persona seleccionada tendrá una mentora o un mentor con experiencia en su "
        "sector y sesiones individuales a lo largo del programa.",
        "Each selected person is paired with a mentor experienced in their field and meets "
        "them one to one throughout the programme.",
    ),
}


@dataclass(frozen=True)
class DemoOffering:
    ref: str
    programme: str
    kind: str
    mode: str
    provider: str
    municipality: str
    format: str
    audience: str
    es: tuple[str, str, str]  # title, summary, own text (Markdown)
    en: tuple[str, str, str] | None  # None: English missing, to show the fallback
    venue: str | None = None
    language: str = "es"
    capacity: int = 25
    start: int = 14  # days from today to the first session
    count: int = 1
    every: int = 7  # days between sessions
    at: str = "17:00"
    hours: int = 2
    price: str = ""
    level: str = ""
    skills: str = ""
    min_age: int | None = None
    max_age: int | None = None
    opens: int = -21  # days from today
    closes: int | None = None  # days from today; None: until the first session
    taken: float = 0.4  # share of places already taken (1.0: full)
    prerequisites: tuple[str, str] | None = None


OFFERINGS = (
    # --- Upskilling and reskilling bootcamps ---------------------------------------------
    DemoOffering(
        "MOT-BC-001",
        "bootcamps",
        "bootcamp",
        "individual",
        "Academia Código Oeste",
        "las-rozas",
        "in-person",
        "residents|unemployed",
        (
            "Bootcamp de programación en Python",
            "De cero a tu primer programa útil en diez sesiones: variables, funciones, "
            "ficheros y un pequeño proyecto final.",
            "Python es el lenguaje con el que empiezan la mayoría de las personas que se "
            "pasan a la programación, y también el que más ofertas de empleo pide en la "
            "comarca.\n\nAprenderás a automatizar tareas de oficina, leer y ordenar datos "
            "de hojas de cálculo y escribir programas pequeños que resuelven problemas "
            "reales. El último día presentarás tu proyecto al grupo.",
        ),
        (
            "Python programming bootcamp",
            "From zero to your first useful program in ten sessions: variables, functions, "
            "files and a small final project.",
            "Python is the language most career changers start with, and the one local "
            "employers ask for most.\n\nYou will learn to automate office tasks, read and "
            "tidy spreadsheet data, and write small programs that solve real problems. On "
            "the last day you present your project to the group.",
        ),
        venue="rozas-innova",
        capacity=20,
        start=9,
        count=10,
        every=2,
        at="17:30",
        hours=3,
        level="introductory",
        skills="python|programación|automatización",
        min_age=16,
        taken=0.65,
        prerequisites=(
            "Manejo básico del ordenador. Trae tu portátil si tienes; si no, te prestamos uno.",
            "Basic computer use. Bring your laptop if you have one; if not, we lend you one.",
        ),
    ),
    DemoOffering(
        "MOT-BC-002",
        "bootcamps",
        "bootcamp",
        "individual",
        "Ciberescudo Consultores",
        "boadilla-del-monte",
        "in-person",
        "residents|unemployed|companies",
        (
            "Bootcamp de ciberseguridad para principiantes",
            "Aprende a proteger equipos, redes y cuentas, y descubre los perfiles "
            "profesionales de la ciberseguridad.",
            "Cada semana se publican ofertas de empleo en ciberseguridad que se quedan sin "
            "cubrir. Este bootcamp te da la base para optar a puestos de técnico junior de "
            "soporte y seguridad.\n\nTrabajaremos con máquinas virtuales: configurarás un "
            "cortafuegos, analizarás un correo de *phishing* real y harás una auditoría "
            "básica de contraseñas.\n\nEl equipo docente trabaja a diario en respuesta a "
            "incidentes, así que los casos que verás son de verdad.",
        ),
        (
            "Cybersecurity bootcamp for beginners",
            "Learn to protect computers, networks and accounts, and discover the careers "
            "in cybersecurity.",
            "Cybersecurity vacancies go unfilled every week. This bootcamp gives you the "
            "grounding to apply for junior support and security roles.\n\nWe work with "
            "virtual machines: you will configure a firewall, dissect a real *phishing* "
            "email and run a basic password audit.\n\nThe trainers handle security "
            "incidents every day, so the cases you see are real ones.",
        ),
        venue="boadilla-vivero",
        capacity=18,
        start=5,
        count=8,
        every=2,
        at="09:30",
        hours=4,
        level="introductory",
        skills="ciberseguridad|redes|seguridad informática",
        min_age=18,
        taken=1.0,
    ),
    DemoOffering(
        "MOT-BC-003",
        "bootcamps",
        "bootcamp",
        "individual",
        "Datalia Analítica",
        "majadahonda",
        "hybrid",
        "residents|companies|unemployed",
        (
            "Análisis de datos con hojas de cálculo y SQL",
            "Convierte datos desordenados en informes claros: tablas dinámicas, consultas "
            "SQL y paneles sencillos.",
            "Casi todas las empresas guardan datos que nadie analiza. En este bootcamp "
            "aprenderás a limpiarlos, consultarlos con SQL y presentarlos en gráficos que "
            "se entienden a la primera.\n\nPuedes asistir en el aula de Majadahonda o "
            "conectarte en directo; las grabaciones quedan disponibles durante un mes.",
        ),
        (
            "Data analysis with spreadsheets and SQL",
            "Turn messy data into clear reports: pivot tables, SQL queries and simple dashboards.",
            "Nearly every company keeps data nobody analyses. In this bootcamp you learn to "
            "clean it, query it with SQL and present it in charts that make sense at first "
            "glance.\n\nJoin us in the Majadahonda classroom or live online; recordings stay "
            "available for a month.",
        ),
        venue="majadahonda-cultura",
        capacity=30,
        start=24,
        count=8,
        every=3,
        at="18:00",
        hours=3,
        price="45",
        level="intermediate",
        skills="sql|datos|excel|visualización",
        min_age=18,
        opens=-5,
        taken=0.3,
        prerequisites=(
            "Saber hacer fórmulas sencillas en una hoja de cálculo.",
            "Able to write simple spreadsheet formulas.",
        ),
    ),
    DemoOffering(
        "MOT-BC-004",
        "bootcamps",
        "bootcamp",
        "individual",
        "Nubaria Sistemas",
        "online",
        "online",
        "residents|companies",
        (
            "Fundamentos de la nube para profesionales",
            "Servidores, almacenamiento y redes en la nube explicados con ejemplos "
            "prácticos, preparando la certificación de nivel inicial.",
            "Si trabajas en sistemas o en soporte y tu empresa está migrando a la nube, "
            "este bootcamp te pone al día. Montarás una pequeña aplicación web en la nube "
            "y aprenderás a vigilar su coste.\n\nLas sesiones son en directo por "
            "videoconferencia, con laboratorios que puedes repetir a tu ritmo.",
        ),
        (
            "Cloud fundamentals for professionals",
            "Servers, storage and networking in the cloud explained with hands-on "
            "examples, preparing the entry-level certification.",
            "If you work in IT operations or support and your company is moving to the "
            "cloud, this bootcamp brings you up to date. You will deploy a small web "
            "application in the cloud and learn to keep its cost in check.\n\nSessions "
            "are live by video call, with labs you can repeat at your own pace.",
        ),
        language="es|en",
        capacity=40,
        start=31,
        count=6,
        every=7,
        at="19:00",
        hours=2,
        level="intermediate",
        skills="cloud|nube|sistemas|devops",
        opens=7,
        taken=0.0,
    ),
    DemoOffering(
        "MOT-BC-005",
        "bootcamps",
        "bootcamp",
        "individual",
        "Asociación Mujeres Tech Noroeste",
        "majadahonda",
        "in-person",
        "residents|unemployed",
        (
            "Desarrollo web para mujeres que vuelven al empleo",
            "HTML, CSS y JavaScript para construir tu propia web profesional, en un grupo "
            "de mujeres con horario compatible con la conciliación.",
            "Pensado para mujeres que han dejado de trabajar un tiempo y quieren volver con "
            "una profesión digital. El horario es de mañana, en días lectivos, y hay "
            "servicio de ludoteca gratuito en el mismo edificio.\n\nAl acabar tendrás una "
            "web publicada con tu portfolio y una sesión de orientación laboral "
            "individual.",
        ),
        (
            "Web development for women returning to work",
            "HTML, CSS and JavaScript to build your own professional website, in a women's "
            "group with family-friendly hours.",
            "Designed for women who have been away from work for a while and want to return "
            "with a digital profession. Classes are in the morning on school days, with a "
            "free crèche in the same building.\n\nBy the end you will have your portfolio "
            "website online and a one-to-one career guidance session.",
        ),
        venue="majadahonda-cultura",
        capacity=16,
        start=40,
        count=12,
        every=2,
        at="09:30",
        hours=3,
        level="introductory",
        skills="html|css|javascript|desarrollo web",
        min_age=18,
        opens=3,
        taken=0.0,
    ),
    DemoOffering(
        "MOT-BC-006",
        "bootcamps",
        "workshop",
        "individual",
        "Ayuntamiento de Las Rozas de Madrid",
        "las-rozas",
        "in-person",
        "residents",
        (
            "Taller de competencias digitales básicas",
            "Correo electrónico, videollamadas, certificado digital y trámites en línea sin miedo.",
            "Un taller tranquilo, con pocas personas por grupo, para quien quiere ganar "
            "soltura con el ordenador y el móvil. Haremos juntos los trámites más "
            "habituales: pedir cita, descargar un certificado o pagar un recibo.",
        ),
        (
            "Basic digital skills workshop",
            "Email, video calls, digital certificates and online public services without the fear.",
            "A relaxed workshop, in small groups, for anyone who wants to feel at ease with "
            "a computer and a phone. Together we go through the most common online tasks: "
            "booking an appointment, downloading a certificate or paying a bill.",
        ),
        venue="rozas-biblioteca",
        capacity=12,
        start=3,
        count=4,
        every=7,
        at="11:00",
        hours=2,
        level="introductory",
        skills="competencias digitales|administración electrónica",
        taken=1.0,
    ),
    DemoOffering(
        "MOT-BC-007",
        "bootcamps",
        "talk",
        "individual",
        "Escuela Digital Guadarrama",
        "online",
        "online",
        "residents|unemployed",
        (
            "Cómo elegir un bootcamp que te lleve a un empleo",
            "Qué preguntar, qué desconfiar y cómo valorar si un curso intensivo encaja "
            "con tu situación.",
            "Hay cientos de cursos intensivos y no todos cumplen lo que prometen. En esta "
            "charla repasamos cómo leer un temario, qué datos de inserción pedir y cómo "
            "organizarse para estudiar mientras se trabaja o se busca empleo.",
        ),
        (
            "How to choose a bootcamp that leads to a job",
            "What to ask, what to be wary of and how to judge whether an intensive course "
            "fits your situation.",
            "There are hundreds of intensive courses and not all live up to their promises. "
            "This talk covers how to read a syllabus, which job placement figures to ask "
            "for, and how to study while working or job hunting.",
        ),
        capacity=150,
        start=6,
        at="18:30",
        hours=1,
        skills="orientación laboral|empleo digital",
        taken=0.25,
    ),
    DemoOffering(
        "MOT-BC-008",
        "bootcamps",
        "bootcamp",
        "individual",
        "Escuela Digital Guadarrama",
        "majadahonda",
        "in-person",
        "unemployed",
        (
            "Soporte informático y atención al usuario",
            "Prepárate para un puesto de técnico de soporte: hardware, sistemas "
            "operativos, redes y trato con el usuario.",
            "Este bootcamp se celebró en la convocatoria anterior con un 70 % de "
            "participantes trabajando en el sector a los seis meses.\n\nIncluía prácticas "
            "con equipos reales y simulaciones de llamadas de soporte.",
        ),
        (
            "IT support and help desk",
            "Get ready for a support technician role: hardware, operating systems, "
            "networks and dealing with users.",
            "This bootcamp ran in the previous round, and 70% of participants were working "
            "in the field six months later.\n\nIt included practice on real hardware and "
            "simulated support calls.",
        ),
        venue="campus",
        capacity=20,
        start=-40,
        count=10,
        every=2,
        at="09:00",
        hours=4,
        level="introductory",
        skills="soporte técnico|sistemas operativos|redes",
        opens=-80,
        taken=0.9,
    ),
    DemoOffering(
        "MOT-BC-009",
        "bootcamps",
        "bootcamp",
        "individual",
        "Academia Código Oeste",
        "las-rozas",
        "hybrid",
        "residents|unemployed|companies",
        (
            "Inteligencia artificial aplicada al trabajo diario",
            "Usa asistentes de IA con criterio: redactar, resumir, analizar datos y "
            "automatizar tareas sin comprometer la privacidad.",
            "La inteligencia artificial ya está en las herramientas de oficina. Este "
            "bootcamp enseña a sacarle partido con criterio: cuándo fiarse de una "
            "respuesta, cómo escribir buenas instrucciones y qué datos no deben salir "
            "nunca de la empresa.\n\nCada participante terminará con un flujo de trabajo "
            "propio documentado.",
        ),
        None,
        venue="rozas-innova",
        capacity=25,
        start=17,
        count=5,
        every=7,
        at="17:00",
        hours=3,
        price="30",
        level="intermediate",
        skills="inteligencia artificial|productividad|privacidad",
        min_age=18,
        closes=-1,
        taken=0.7,
    ),
    DemoOffering(
        "MOT-BC-010",
        "bootcamps",
        "bootcamp",
        "individual",
        "Nubaria Sistemas",
        "las-rozas",
        "in-person",
        "unemployed|residents",
        (
            "Bootcamp de DevOps y automatización",
            "Git, contenedores e integración continua para quien ya programa y quiere dar "
            "el salto a operaciones.",
            "Las empresas de la zona buscan perfiles capaces de llevar el código a "
            "producción de forma fiable. Aprenderás control de versiones con Git, "
            "contenedores y tuberías de integración continua.\n\nTodo el trabajo se hace "
            "sobre un proyecto común que el grupo despliega al final.",
        ),
        (
            "DevOps and automation bootcamp",
            "Git, containers and continuous integration for people who already code and "
            "want to move into operations.",
            "Local companies are looking for people who can take code to production "
            "reliably. You will learn version control with Git, containers and continuous "
            "integration pipelines.\n\nAll the work is done on a shared project that the "
            "group deploys at the end.",
        ),
        venue="rozas-innova",
        capacity=15,
        start=55,
        count=10,
        every=2,
        at="16:00",
        hours=4,
        level="advanced",
        skills="devops|git|contenedores|integración continua",
        min_age=18,
        opens=20,
        taken=0.0,
        prerequisites=(
            "Programar con soltura en algún lenguaje y usar la línea de comandos.",
            "Comfortable programming in any language and using the command line.",
        ),
    ),
    # --- Training cycles -------------------------------------------------------------------
    DemoOffering(
        "MOT-CF-001",
        "training-cycles",
        "training-cycle",
        "individual",
        "Universidad Sierra Oeste",
        "majadahonda",
        "in-person",
        "residents|unemployed",
        (
            "Ciclo de desarrollo de aplicaciones web",
            "Doce semanas para construir aplicaciones web completas: interfaz, servidor y "
            "base de datos.",
            "El ciclo recorre todo el camino de una aplicación web moderna: diseño de la "
            "interfaz, lógica en el servidor, base de datos y publicación. Lo imparte "
            "profesorado de la universidad junto a desarrolladores de empresas "
            "asociadas.\n\nLas últimas cuatro semanas se trabaja en equipo sobre un reto "
            "propuesto por una empresa de la comarca.",
        ),
        (
            "Web application development cycle",
            "Twelve weeks to build complete web applications: interface, server and database.",
            "The cycle covers the whole path of a modern web application: interface "
            "design, server logic, database and deployment. It is taught by university "
            "staff together with developers from partner companies.\n\nIn the last four "
            "weeks you work in teams on a challenge set by a local company.",
        ),
        venue="campus",
        capacity=24,
        start=21,
        count=24,
        every=3,
        at="16:30",
        hours=3,
        level="intermediate",
        skills="desarrollo web|javascript|bases de datos|python",
        min_age=18,
        taken=0.55,
        prerequisites=(
            "Conocimientos básicos de programación (o haber hecho el bootcamp de Python).",
            "Basic programming knowledge (or having taken the Python bootcamp).",
        ),
    ),
    DemoOffering(
        "MOT-CF-002",
        "training-cycles",
        "training-cycle",
        "individual",
        "Escuela Digital Guadarrama",
        "online",
        "online",
        "residents|companies",
        (
            "Ciclo de marketing digital y comercio electrónico",
            "Posicionamiento, redes sociales, analítica web y tienda en línea para "
            "pequeños negocios.",
            "Dirigido a personas que llevan un comercio o quieren trabajar en marketing. "
            "En ocho semanas aprenderás a montar una tienda en línea, medir qué funciona y "
            "planificar campañas con poco presupuesto.\n\nCada módulo termina con una "
            "tarea aplicada a tu propio negocio o a uno ficticio.",
        ),
        (
            "Digital marketing and e-commerce cycle",
            "Search visibility, social media, web analytics and an online shop for small "
            "businesses.",
            "For people who run a shop or want to work in marketing. In eight weeks you "
            "learn to set up an online shop, measure what works and plan campaigns on a "
            "small budget.\n\nEach module ends with an assignment applied to your own "
            "business or to a fictional one.",
        ),
        capacity=60,
        start=12,
        count=8,
        every=7,
        at="19:00",
        hours=2,
        level="introductory",
        skills="marketing digital|comercio electrónico|redes sociales|analítica",
        taken=0.45,
    ),
    DemoOffering(
        "MOT-CF-003",
        "training-cycles",
        "training-cycle",
        "individual",
        "Ciberescudo Consultores",
        "boadilla-del-monte",
        "hybrid",
        "residents|companies",
        (
            "Ciclo de administración de sistemas y redes",
            "Linux, redes y copias de seguridad en un ciclo práctico de diez semanas.",
            "Para técnicos que quieren especializarse en sistemas. Instalarás y "
            "mantendrás servidores Linux, configurarás redes y diseñarás una política de "
            "copias de seguridad que resista un ataque de *ransomware*.\n\nLas sesiones "
            "presenciales son en el vivero de empresas; las de teoría pueden seguirse en "
            "línea.",
        ),
        (
            "Systems and network administration cycle",
            "Linux, networks and backups in a hands-on ten-week cycle.",
            "For technicians who want to specialise in systems. You will install and "
            "maintain Linux servers, configure networks and design a backup policy that "
            "survives a *ransomware* attack.\n\nPractical sessions take place at the "
            "business centre; theory sessions can be followed online.",
        ),
        venue="boadilla-vivero",
        capacity=18,
        start=-20,
        count=20,
        every=3,
        at="17:00",
        hours=3,
        level="advanced",
        skills="linux|redes|sistemas|copias de seguridad",
        opens=-60,
        taken=0.8,
    ),
    DemoOffering(
        "MOT-CF-004",
        "training-cycles",
        "training-cycle",
        "individual",
        "Datalia Analítica",
        "majadahonda",
        "in-person",
        "unemployed|residents",
        (
            "Ciclo de ciencia de datos",
            "Estadística, Python para datos y aprendizaje automático, con casos de "
            "empresas de la zona.",
            "Un ciclo exigente para quien ya programa y quiere trabajar con datos. "
            "Empezaremos por la estadística que de verdad se usa y terminaremos "
            "entrenando y evaluando modelos de aprendizaje automático.\n\nLos casos "
            "prácticos los aportan empresas asociadas a Madrid Oeste Tecnológico, y "
            "algunas de ellas participan en la sesión final de presentación de "
            "proyectos.",
        ),
        (
            "Data science cycle",
            "Statistics, Python for data and machine learning, with cases from local companies.",
            "A demanding cycle for people who already code and want to work with data. "
            "We start with the statistics that is actually used and finish by training "
            "and evaluating machine learning models.\n\nCase studies come from companies "
            "in the Madrid Oeste Tecnológico partnership, and some of them join the final "
            "project presentations.",
        ),
        venue="campus",
        capacity=20,
        start=70,
        count=20,
        every=3,
        at="17:30",
        hours=3,
        price="120",
        level="advanced",
        skills="ciencia de datos|python|estadística|aprendizaje automático",
        min_age=18,
        opens=25,
        taken=0.0,
        prerequisites=(
            "Programar en Python y conocer la estadística básica de bachillerato.",
            "Programming in Python and high-school level statistics.",
        ),
    ),
    DemoOffering(
        "MOT-CF-005",
        "training-cycles",
        "workshop",
        "individual",
        "FabLab Noroeste",
        "majadahonda",
        "in-person",
        "residents|students",
        (
            "Taller de diseño e impresión 3D",
            "Diseña una pieza en el ordenador y llévatela impresa a casa.",
            "En tres tardes pasarás de la idea a la pieza: modelado en 3D con software "
            "libre, preparación del archivo e impresión. Es el primer paso del itinerario "
            "de fabricación digital del FabLab.",
        ),
        (
            "3D design and printing workshop",
            "Design a part on the computer and take it home printed.",
            "In three afternoons you go from idea to object: 3D modelling with free "
            "software, preparing the file and printing. It is the first step of the "
            "FabLab's digital fabrication path.",
        ),
        venue="fablab",
        capacity=10,
        start=10,
        count=3,
        every=7,
        at="18:00",
        hours=2,
        price="12.50",
        level="introductory",
        skills="impresión 3d|diseño|fabricación digital",
        min_age=14,
        taken=1.0,
    ),
    DemoOffering(
        "MOT-CF-006",
        "training-cycles",
        "training-cycle",
        "individual",
        "Ayuntamiento de Boadilla del Monte",
        "boadilla-del-monte",
        "in-person",
        "residents|unemployed",
        (
            "Ciclo de ofimática avanzada para el empleo",
            "Hojas de cálculo, bases de datos y documentos profesionales al nivel que "
            "piden las ofertas administrativas.",
            "Muchas ofertas de puestos administrativos piden un dominio de la ofimática "
            "que va más allá de lo básico. Este ciclo trabaja tablas dinámicas, "
            "combinación de correspondencia, plantillas y pequeñas bases de datos.\n\nAl "
            "final podrás presentarte a la certificación oficial de competencias "
            "digitales.",
        ),
        None,
        venue="boadilla-cultural",
        capacity=20,
        start=26,
        count=12,
        every=2,
        at="10:00",
        hours=2,
        level="intermediate",
        skills="ofimática|hojas de cálculo|bases de datos",
        closes=-2,
        taken=0.85,
    ),
    # --- Science Week ----------------------------------------------------------------------
    DemoOffering(
        "MOT-SC-001",
        "science-week",
        "science-week-activity",
        "individual",
        "Fundación Ciencia Cerca",
        "boadilla-del-monte",
        "in-person",
        "residents|students",
        (
            "Robots que dibujan: taller familiar",
            "Programa un pequeño robot para que dibuje figuras geométricas. Para familias "
            "con niñas y niños de 8 a 12 años.",
            "Padres, madres e hijos forman equipo para programar un robot con bloques y "
            "conseguir que dibuje un cuadrado, una estrella y, si os atrevéis, vuestro "
            "nombre.\n\nNo hace falta saber nada de programación: solo ganas de jugar.",
        ),
        (
            "Drawing robots: family workshop",
            "Program a small robot to draw geometric shapes. For families with children "
            "aged 8 to 12.",
            "Parents and children team up to program a robot with blocks and get it to "
            "draw a square, a star and, if you dare, your name.\n\nNo programming "
            "knowledge needed: just a wish to play.",
        ),
        venue="boadilla-cultural",
        capacity=30,
        start=19,
        at="11:00",
        hours=2,
        skills="robótica|programación por bloques",
        min_age=8,
        max_age=12,
        taken=0.5,
    ),
    DemoOffering(
        "MOT-SC-002",
        "science-week",
        "science-week-activity",
        "class",
        "Universidad Sierra Oeste",
        "majadahonda",
        "in-person",
        "students|teachers",
        (
            "Un día en el laboratorio de la universidad",
            "Visita para grupos de secundaria: experimentos de física, química y "
            "biotecnología con investigadores.",
            "Los grupos recorren tres laboratorios de la universidad y hacen un "
            "experimento en cada uno: extraer ADN de una fruta, medir la velocidad del "
            "sonido y construir un circuito sencillo.\n\nLa visita acaba con una charla "
            "informal con estudiantes de grado sobre qué se estudia en cada carrera.",
        ),
        (
            "A day in the university lab",
            "A visit for secondary school groups: physics, chemistry and biotechnology "
            "experiments with researchers.",
            "Groups tour three university labs and do one experiment in each: extracting "
            "DNA from fruit, measuring the speed of sound and building a simple "
            "circuit.\n\nThe visit ends with an informal chat with undergraduates about "
            "what each degree involves.",
        ),
        venue="campus",
        capacity=90,
        start=20,
        count=3,
        every=1,
        at="09:30",
        hours=3,
        skills="ciencia|laboratorio|biotecnología|física",
        min_age=12,
        max_age=18,
        taken=0.6,
    ),
    DemoOffering(
        "MOT-SC-003",
        "science-week",
        "talk",
        "individual",
        "Asociación Mujeres Tech Noroeste",
        "las-rozas",
        "hybrid",
        "residents|students",
        (
            "Científicas de aquí: cinco trayectorias",
            "Cinco investigadoras e ingenieras que viven en la comarca cuentan cómo "
            "llegaron a su profesión.",
            "Una astrofísica, una ingeniera de telecomunicaciones, una bioinformática, una "
            "matemática que trabaja en banca y una diseñadora de videojuegos comparten "
            "sus caminos, con sus dudas y sus giros.\n\nUna charla especialmente pensada "
            "para chicas que están decidiendo qué estudiar, y para sus familias.",
        ),
        (
            "Local women in science: five careers",
            "Five researchers and engineers who live in the area tell how they reached "
            "their profession.",
            "An astrophysicist, a telecoms engineer, a bioinformatician, a mathematician "
            "working in banking and a video game designer share their paths, doubts and "
            "turns included.\n\nA talk designed especially for girls deciding what to "
            "study, and for their families.",
        ),
        venue="rozas-biblioteca",
        capacity=80,
        start=21,
        at="18:30",
        hours=2,
        skills="vocaciones científicas|igualdad|stem",
        taken=0.35,
    ),
    DemoOffering(
        "MOT-SC-004",
        "science-week",
        "science-week-activity",
        "individual",
        "FabLab Noroeste",
        "majadahonda",
        "in-person",
        "residents",
        (
            "Puertas abiertas en el FabLab",
            "Ven a ver cortadoras láser, impresoras 3D y electrónica en acción, y "
            "llévate un llavero hecho por ti.",
            "Durante toda la tarde el FabLab abre sus puertas: demostraciones cada media "
            "hora, voluntarios que explican los proyectos de la comunidad y una mesa "
            "donde cualquiera puede fabricar su propio llavero.",
        ),
        (
            "FabLab open day",
            "Come and see laser cutters, 3D printers and electronics in action, and take "
            "home a keyring you made yourself.",
            "All afternoon the FabLab opens its doors: demonstrations every half hour, "
            "volunteers explaining community projects, and a table where anyone can make "
            "their own keyring.",
        ),
        venue="fablab",
        capacity=120,
        start=22,
        at="16:00",
        hours=4,
        skills="fabricación digital|electrónica|impresión 3d",
        taken=0.2,
    ),
    DemoOffering(
        "MOT-SC-005",
        "science-week",
        "workshop",
        "individual",
        "Fundación Ciencia Cerca",
        "online",
        "online",
        "residents|students|teachers",
        (
            "Astronomía desde casa con el móvil",
            "Aprende a reconocer constelaciones y planetas y a fotografiar la Luna con tu "
            "teléfono.",
            "Un taller en línea, al anochecer, para salir después al balcón o al jardín y "
            "poner en práctica lo aprendido. Veremos qué aplicaciones gratuitas ayudan a "
            "orientarse en el cielo y cómo sacar una buena foto de la Luna sin "
            "telescopio.",
        ),
        (
            "Stargazing from home with your phone",
            "Learn to recognise constellations and planets and to photograph the Moon with "
            "your phone.",
            "An online workshop at dusk, so you can step out onto the balcony or into the "
            "garden afterwards and try it out. We look at free apps that help you find "
            "your way around the sky and how to take a good photo of the Moon without a "
            "telescope.",
        ),
        capacity=200,
        start=23,
        at="20:30",
        hours=1,
        skills="astronomía|fotografía",
        taken=0.4,
    ),
    DemoOffering(
        "MOT-SC-006",
        "science-week",
        "science-week-activity",
        "class",
        "Colegio Público Los Pinares",
        "boadilla-del-monte",
        "in-person",
        "students",
        (
            "Feria de experimentos de primaria",
            "Alumnos de primaria de los tres municipios presentan sus experimentos a "
            "otros grupos escolares.",
            "Cada clase participante prepara un experimento sencillo y lo explica a las "
            "demás: volcanes, circuitos con patatas, cohetes de agua. Los centros "
            "inscriben a los grupos que vienen como público.",
        ),
        None,
        venue="pinares",
        capacity=150,
        start=-12,
        at="10:00",
        hours=3,
        skills="experimentos|ciencia escolar",
        min_age=6,
        max_age=12,
        opens=-50,
        taken=0.9,
    ),
    DemoOffering(
        "MOT-SC-007",
        "science-week",
        "talk",
        "individual",
        "Datalia Analítica",
        "majadahonda",
        "in-person",
        "residents",
        (
            "¿Cómo sabe tu móvil por dónde vas? Datos en la vida diaria",
            "Una charla amena sobre los datos que generamos cada día y lo que se puede "
            "(y no se puede) hacer con ellos.",
            "Desde el tráfico en el mapa hasta las recomendaciones de series: detrás hay "
            "datos y algoritmos. Explicamos cómo funcionan con ejemplos cotidianos y qué "
            "derechos tienes sobre tu información.",
        ),
        (
            "How does your phone know where you are going? Data in daily life",
            "An entertaining talk about the data we generate every day and what can (and "
            "cannot) be done with it.",
            "From traffic on the map to series recommendations: behind them lie data and "
            "algorithms. We explain how they work with everyday examples, and what rights "
            "you have over your information.",
        ),
        venue="majadahonda-cultura",
        capacity=60,
        start=20,
        at="19:00",
        hours=1,
        skills="datos|privacidad|algoritmos",
        taken=0.5,
    ),
    # --- STEAM Congress --------------------------------------------------------------------
    DemoOffering(
        "MOT-ST-001",
        "steam-congress",
        "steam-congress",
        "individual",
        "Ayuntamiento de Majadahonda",
        "majadahonda",
        "hybrid",
        "teachers|students|companies|residents",
        (
            "Congreso STEAM Madrid Oeste",
            "Dos jornadas de ponencias, talleres y proyectos escolares sobre ciencia, "
            "tecnología, ingeniería, arte y matemáticas.",
            "El congreso anual de la asociación reúne proyectos de aula, investigación "
            "universitaria e innovación empresarial. Habrá ponencias plenarias, mesas "
            "redondas y una exposición de proyectos de los centros educativos de Las "
            "Rozas, Boadilla y Majadahonda.\n\nLas ponencias se retransmiten en directo "
            "para quien no pueda venir.",
        ),
        (
            "Madrid Oeste STEAM Congress",
            "Two days of talks, workshops and school projects on science, technology, "
            "engineering, arts and maths.",
            "The partnership's yearly congress brings together classroom projects, "
            "university research and business innovation. There will be keynotes, panel "
            "discussions and an exhibition of projects from schools in Las Rozas, Boadilla "
            "and Majadahonda.\n\nKeynotes are streamed live for those who cannot attend.",
        ),
        venue="majadahonda-cultura",
        language="es|en",
        capacity=400,
        start=60,
        count=2,
        every=1,
        at="09:30",
        hours=8,
        skills="steam|educación|innovación",
        opens=-10,
        taken=0.3,
    ),
    DemoOffering(
        "MOT-ST-002",
        "steam-congress",
        "talk",
        "individual",
        "Universidad Sierra Oeste",
        "majadahonda",
        "in-person",
        "teachers|students",
        (
            "Ponencia: el arte de enseñar matemáticas con código",
            "Una profesora universitaria muestra cómo la programación creativa hace "
            "visibles las matemáticas.",
            "Fractales, simetrías y probabilidad cobran vida cuando se dibujan con código. "
            "La ponencia muestra proyectos reales de aula, de primaria a la universidad, "
            "con materiales libres que cualquier docente puede reutilizar.",
        ),
        (
            "Keynote: the art of teaching maths with code",
            "A university lecturer shows how creative coding makes mathematics visible.",
            "Fractals, symmetry and probability come alive when drawn with code. The "
            "keynote shows real classroom projects, from primary school to university, "
            "with open materials any teacher can reuse.",
        ),
        venue="majadahonda-cultura",
        capacity=250,
        start=60,
        at="12:00",
        hours=1,
        skills="matemáticas|programación creativa|docencia",
        opens=-10,
        taken=0.2,
    ),
    DemoOffering(
        "MOT-ST-003",
        "steam-congress",
        "workshop",
        "individual",
        "FabLab Noroeste",
        "majadahonda",
        "in-person",
        "teachers",
        (
            "Taller docente: electrónica creativa en el aula",
            "Circuitos de papel, sensores y microcontroladores para proyectos que mezclan "
            "arte y tecnología.",
            "Un taller práctico para docentes de cualquier etapa. Montaremos circuitos de "
            "papel con LED, programaremos un microcontrolador y diseñaremos una actividad "
            "lista para llevar al aula el lunes siguiente.\n\nReconocido como formación "
            "del profesorado (10 horas con las sesiones previas en línea).",
        ),
        (
            "Teacher workshop: creative electronics in the classroom",
            "Paper circuits, sensors and microcontrollers for projects that blend art and "
            "technology.",
            "A hands-on workshop for teachers at any level. We will build paper circuits "
            "with LEDs, program a microcontroller and design an activity ready to take to "
            "class the following Monday.\n\nRecognised as teacher training (10 hours with "
            "the preparatory online sessions).",
        ),
        venue="fablab",
        capacity=20,
        start=61,
        at="16:00",
        hours=3,
        level="introductory",
        skills="electrónica|arduino|formación del profesorado",
        opens=-10,
        taken=1.0,
    ),
    DemoOffering(
        "MOT-ST-004",
        "steam-congress",
        "talk",
        "individual",
        "Nubaria Sistemas",
        "online",
        "online",
        "companies|residents",
        (
            "Mesa redonda: qué perfiles digitales buscan las empresas del oeste",
            "Responsables de personas de cinco empresas de la comarca hablan de las "
            "competencias que más les cuesta encontrar.",
            "Una conversación franca sobre empleo digital en la zona: qué se pide, qué "
            "sobra en los currículos y qué valoran más allá de los títulos. Es la sesión "
            "del congreso que abre la línea de búsqueda de talento.",
        ),
        (
            "Panel: which digital profiles western Madrid companies need",
            "HR leaders from five local companies discuss the skills they find hardest to hire.",
            "A frank conversation about digital jobs in the area: what is in demand, what "
            "is superfluous on a CV and what matters beyond qualifications. It is the "
            "congress session that opens the talent-seeking strand.",
        ),
        language="es|en",
        capacity=300,
        start=60,
        at="17:00",
        hours=1,
        skills="empleo|talento digital|competencias",
        opens=-10,
        taken=0.1,
    ),
    # --- Smart Schools ----------------------------------------------------------------------
    DemoOffering(
        "MOT-SS-001",
        "smart-schools",
        "smart-schools",
        "class",
        "IES Valle de la Encina",
        "las-rozas",
        "in-person",
        "students|teachers",
        (
            "Smart Schools: programa tu ciudad inteligente",
            "Proyecto trimestral para 3.º y 4.º de ESO: sensores, datos abiertos y una "
            "maqueta de ciudad que se controla desde el aula.",
            "Cada grupo diseña un servicio para su municipio (aparcamiento, riego, "
            "calidad del aire) y lo prueba en una maqueta con sensores reales. Los datos "
            "se publican en un panel común entre los centros participantes.\n\nEl "
            "profesorado recibe antes una sesión de formación y los materiales del "
            "proyecto.",
        ),
        (
            "Smart Schools: program your smart city",
            "A term-long project for Year 10 and 11 pupils: sensors, open data and a model "
            "city controlled from the classroom.",
            "Each class designs a service for its town (parking, watering, air quality) "
            "and tests it on a model fitted with real sensors. The data is published on a "
            "dashboard shared by the participating schools.\n\nTeachers first receive a "
            "training session and the project materials.",
        ),
        venue="ies-encina",
        capacity=120,
        start=15,
        count=10,
        every=7,
        at="10:00",
        hours=2,
        skills="ciudad inteligente|sensores|datos abiertos|programación",
        min_age=14,
        max_age=16,
        taken=0.75,
    ),
    DemoOffering(
        "MOT-SS-002",
        "smart-schools",
        "smart-schools",
        "class",
        "Colegio Público Los Pinares",
        "boadilla-del-monte",
        "in-person",
        "students",
        (
            "Pequeños programadores: robótica en primaria",
            "Seis sesiones de robótica educativa para clases de 5.º y 6.º de primaria.",
            "Con robots de suelo y programación por bloques, los alumnos resuelven retos "
            "de lógica cada vez más complejos. La última sesión es una competición "
            "amistosa entre clases.",
        ),
        (
            "Little coders: robotics in primary school",
            "Six educational robotics sessions for Year 6 and 7 classes.",
            "With floor robots and block-based programming, pupils solve logic challenges "
            "that get harder each time. The last session is a friendly competition "
            "between classes.",
        ),
        venue="pinares",
        capacity=75,
        start=8,
        count=6,
        every=7,
        at="11:30",
        hours=1,
        skills="robótica|pensamiento computacional",
        min_age=10,
        max_age=12,
        taken=1.0,
    ),
    DemoOffering(
        "MOT-SS-003",
        "smart-schools",
        "workshop",
        "individual",
        "Ayuntamiento de Las Rozas de Madrid",
        "online",
        "online",
        "teachers",
        (
            "Formación docente: inteligencia artificial en el aula",
            "Cómo usar (y cómo enseñar a usar) herramientas de IA con alumnos de "
            "secundaria de forma responsable.",
            "Un taller en línea para profesorado. Veremos usos didácticos de la IA, cómo "
            "diseñar tareas que no se resuelven copiando y cómo hablar con el alumnado de "
            "sesgos y privacidad.",
        ),
        (
            "Teacher training: AI in the classroom",
            "How to use (and how to teach the use of) AI tools responsibly with secondary pupils.",
            "An online workshop for teachers. We look at teaching uses of AI, how to "
            "design tasks that cannot be solved by copying, and how to discuss bias and "
            "privacy with pupils.",
        ),
        capacity=100,
        start=13,
        count=2,
        every=7,
        at="17:30",
        hours=2,
        level="introductory",
        skills="inteligencia artificial|docencia|competencia digital docente",
        taken=0.5,
    ),
    DemoOffering(
        "MOT-SS-004",
        "smart-schools",
        "smart-schools",
        "class",
        "Universidad Sierra Oeste",
        "majadahonda",
        "hybrid",
        "students|teachers",
        (
            "Retos de datos para bachillerato",
            "Los grupos de bachillerato analizan datos abiertos de su municipio y "
            "presentan propuestas al ayuntamiento.",
            "Durante un mes, cada clase trabaja con datos abiertos reales (movilidad, "
            "consumo de agua, uso de instalaciones deportivas) acompañada por estudiantes "
            "de la universidad. Las mejores propuestas se presentan en el pleno "
            "juvenil.\n\nLas sesiones de tutoría son en línea; la presentación final, en "
            "el campus.",
        ),
        (
            "Data challenges for sixth-formers",
            "Sixth-form classes analyse their town's open data and present proposals to "
            "the town hall.",
            "For a month each class works with real open data (mobility, water use, use of "
            "sports facilities), supported by university students. The best proposals are "
            "presented at the youth council.\n\nTutoring sessions are online; the final "
            "presentation is on campus.",
        ),
        venue="campus",
        capacity=90,
        start=45,
        count=4,
        every=7,
        at="12:00",
        hours=2,
        skills="datos abiertos|análisis de datos|participación",
        min_age=16,
        max_age=18,
        opens=5,
        taken=0.0,
    ),
    DemoOffering(
        "MOT-SS-005",
        "smart-schools",
        "smart-schools",
        "class",
        "Fundación Ciencia Cerca",
        "las-rozas",
        "in-person",
        "students",
        (
            "Ciberconvivencia: navegar seguros",
            "Sesiones para clases de 1.º y 2.º de ESO sobre redes sociales, privacidad y "
            "ciberacoso.",
            "Con dinámicas participativas y casos que los propios alumnos reconocen, la "
            "sesión trabaja la privacidad en redes, cómo detectar un engaño y qué hacer "
            "ante el ciberacoso. Incluye una guía para las familias.",
        ),
        (
            "Cyber-citizenship: staying safe online",
            "Sessions for Year 8 and 9 classes about social media, privacy and cyberbullying.",
            "Through participatory activities and cases pupils recognise, the session "
            "covers privacy on social media, how to spot a scam and what to do about "
            "cyberbullying. It comes with a guide for families.",
        ),
        venue="ies-encina",
        capacity=200,
        start=30,
        count=3,
        every=1,
        at="09:00",
        hours=1,
        skills="ciberseguridad|privacidad|convivencia digital",
        min_age=12,
        max_age=14,
        closes=-3,
        taken=0.65,
    ),
    # --- Acceleration and incubation ---------------------------------------------------------
    DemoOffering(
        "MOT-AC-001",
        "acceleration",
        "acceleration",
        "application",
        "Impulsa Oeste Incubadora",
        "boadilla-del-monte",
        "hybrid",
        "entrepreneurs",
        (
            "Programa de aceleración de empresas digitales",
            "Doce semanas de formación, mentoría y contacto con inversores para empresas "
            "emergentes con producto en el mercado.",
            "Buscamos empresas jóvenes con un producto digital ya en manos de clientes y "
            "ganas de crecer. El programa combina talleres de estrategia, ventas y "
            "financiación con sesiones individuales de mentoría.\n\nLa última semana, las "
            "empresas presentan su proyecto ante fondos de inversión y empresas "
            "tractoras de la comarca.\n\nLa participación es gratuita y no se pide "
            "participación en el capital.",
        ),
        (
            "Digital start-up acceleration programme",
            "Twelve weeks of training, mentoring and investor contacts for start-ups with "
            "a product on the market.",
            "We are looking for young companies with a digital product already in "
            "customers' hands and the drive to grow. The programme combines workshops on "
            "strategy, sales and funding with one-to-one mentoring.\n\nIn the last week "
            "the companies pitch to investment funds and leading local companies.\n\n"
            "Taking part is free, and no equity is asked for.",
        ),
        venue="boadilla-vivero",
        language="es|en",
        capacity=10,
        start=35,
        count=12,
        every=7,
        at="16:00",
        hours=4,
        level="advanced",
        skills="emprendimiento|financiación|ventas|estrategia",
        min_age=18,
        closes=18,
        taken=0.0,
        prerequisites=(
            "Empresa constituida con menos de cinco años y un producto digital en el mercado.",
            "A company registered less than five years ago with a digital product on the market.",
        ),
    ),
    DemoOffering(
        "MOT-AC-002",
        "acceleration",
        "incubation",
        "application",
        "Impulsa Oeste Incubadora",
        "boadilla-del-monte",
        "in-person",
        "entrepreneurs",
        (
            "Incubación en el vivero de empresas",
            "Seis meses de puesto de trabajo, tutoría y formación para convertir una idea "
            "digital en empresa.",
            "Para personas emprendedoras con una idea validada que necesitan un lugar y "
            "un método. Tendrás puesto en el vivero, un tutor asignado y un calendario "
            "de talleres sobre modelo de negocio, aspectos legales y primeras "
            "ventas.\n\nCada mes revisamos contigo los avances frente a los objetivos "
            "pactados.",
        ),
        (
            "Incubation at the business centre",
            "Six months of desk space, tutoring and training to turn a digital idea into "
            "a company.",
            "For entrepreneurs with a validated idea who need a place and a method. You "
            "get a desk at the business centre, an assigned tutor and a calendar of "
            "workshops on business models, legal matters and first sales.\n\nEvery month "
            "we review your progress against the goals agreed with you.",
        ),
        venue="boadilla-vivero",
        capacity=8,
        start=50,
        count=6,
        every=28,
        at="10:00",
        hours=3,
        skills="incubación|modelo de negocio|emprendimiento",
        min_age=18,
        closes=30,
        taken=0.0,
    ),
    DemoOffering(
        "MOT-AC-003",
        "acceleration",
        "mentoring",
        "application",
        "Asociación Mujeres Tech Noroeste",
        "online",
        "online",
        "entrepreneurs",
        (
            "Mentoría para emprendedoras tecnológicas",
            "Cuatro meses de acompañamiento individual por empresarias con experiencia "
            "en el sector digital.",
            "Cada emprendedora seleccionada trabaja con una mentora durante cuatro meses, "
            "con una sesión quincenal en línea y objetivos concretos: validar el "
            "producto, preparar la primera ronda o formar el equipo.",
        ),
        (
            "Mentoring for women tech founders",
            "Four months of one-to-one support from experienced women entrepreneurs in "
            "the digital sector.",
            "Each selected founder works with a mentor for four months, meeting online "
            "every fortnight with concrete goals: validating the product, preparing the "
            "first round or building the team.",
        ),
        language="es|en",
        capacity=12,
        start=16,
        count=8,
        every=14,
        at="18:00",
        hours=1,
        skills="mentoría|emprendimiento femenino|liderazgo",
        min_age=18,
        closes=-4,
        taken=1.0,
    ),
    DemoOffering(
        "MOT-AC-004",
        "acceleration",
        "workshop",
        "individual",
        "Asociación de Empresarios Madrid Oeste",
        "las-rozas",
        "in-person",
        "entrepreneurs|companies",
        (
            "Taller: cómo presentar tu proyecto en cinco minutos",
            "Estructura, diapositivas y práctica ante público para presentaciones que convencen.",
            "Un taller práctico para preparar la presentación de tu empresa o tu idea. "
            "Cada participante ensaya ante el grupo y recibe comentarios de inversores y "
            "empresarios de la zona.",
        ),
        (
            "Workshop: pitch your project in five minutes",
            "Structure, slides and practice in front of an audience for pitches that convince.",
            "A hands-on workshop to prepare the pitch for your company or idea. Each "
            "participant rehearses in front of the group and gets feedback from local "
            "investors and business owners.",
        ),
        venue="rozas-innova",
        capacity=20,
        start=11,
        at="18:00",
        hours=3,
        skills="presentaciones|comunicación|emprendimiento",
        taken=0.55,
    ),
    DemoOffering(
        "MOT-AC-005",
        "acceleration",
        "talk",
        "individual",
        "Ayuntamiento de Boadilla del Monte",
        "boadilla-del-monte",
        "in-person",
        "entrepreneurs|residents",
        (
            "Ayudas y financiación pública para empresas emergentes",
            "Un repaso claro a las subvenciones, préstamos y ventajas fiscales que "
            "puedes solicitar este año.",
            "Técnicos de desarrollo local explican qué ayudas hay, quién puede pedirlas y "
            "cómo preparar la solicitud para no quedarse fuera por un detalle. Al final "
            "se puede pedir cita individual para revisar tu caso.",
        ),
        None,
        venue="boadilla-cultural",
        capacity=70,
        start=27,
        at="12:00",
        hours=2,
        skills="financiación|subvenciones|emprendimiento",
        taken=0.3,
    ),
    DemoOffering(
        "MOT-AC-006",
        "acceleration",
        "acceleration",
        "application",
        "Universidad Sierra Oeste",
        "majadahonda",
        "in-person",
        "entrepreneurs|students",
        (
            "Lanzadera universitaria de proyectos",
            "Aceleración para equipos de estudiantes y recién titulados con una idea de "
            "base tecnológica.",
            "Equipos de dos a cuatro personas con una idea tecnológica pasan diez semanas "
            "convirtiéndola en un prototipo y un plan de empresa, con el apoyo de "
            "profesorado y de empresas asociadas.\n\nLos tres mejores proyectos obtienen "
            "un año de incubación gratuita.",
        ),
        (
            "University project launchpad",
            "Acceleration for teams of students and recent graduates with a technology idea.",
            "Teams of two to four people with a technology idea spend ten weeks turning it "
            "into a prototype and a business plan, supported by faculty and partner "
            "companies.\n\nThe three best projects win a year of free incubation.",
        ),
        venue="campus",
        capacity=30,
        start=75,
        count=10,
        every=7,
        at="17:00",
        hours=3,
        skills="prototipado|emprendimiento|innovación",
        min_age=18,
        max_age=35,
        opens=14,
        closes=50,
        taken=0.0,
    ),
    # --- Talent seeking ----------------------------------------------------------------------
    DemoOffering(
        "MOT-TA-001",
        "talent",
        "talk",
        "individual",
        "Asociación de Empresarios Madrid Oeste",
        "las-rozas",
        "in-person",
        "unemployed|residents|companies",
        (
            "Encuentro de empleo digital Madrid Oeste",
            "Empresas de la comarca presentan sus vacantes digitales y conocen a "
            "candidatos en una tarde de encuentros rápidos.",
            "Quince empresas de Las Rozas, Boadilla y Majadahonda presentan sus puestos "
            "abiertos en tecnología. Después, cada candidato puede tener entrevistas "
            "breves con las empresas que le interesen.\n\nTrae tu currículum impreso y "
            "en formato digital.",
        ),
        (
            "Madrid Oeste digital jobs meet-up",
            "Local companies present their digital vacancies and meet candidates in an "
            "afternoon of speed interviews.",
            "Fifteen companies from Las Rozas, Boadilla and Majadahonda present their open "
            "technology roles. Afterwards each candidate can have short interviews with "
            "the companies they are interested in.\n\nBring your CV on paper and in "
            "digital form.",
        ),
        venue="rozas-innova",
        capacity=150,
        start=33,
        at="16:30",
        hours=3,
        skills="empleo|entrevistas|talento digital",
        min_age=18,
        taken=0.4,
    ),
    DemoOffering(
        "MOT-TA-002",
        "talent",
        "workshop",
        "individual",
        "Escuela Digital Guadarrama",
        "majadahonda",
        "in-person",
        "unemployed",
        (
            "Taller: tu perfil profesional en internet",
            "Mejora tu currículum, tu perfil en redes profesionales y tu portfolio para "
            "puestos digitales.",
            "Revisaremos uno a uno los perfiles de las personas participantes y "
            "trabajaremos cómo contar la experiencia previa cuando se cambia de sector. "
            "Incluye una simulación de entrevista técnica.",
        ),
        (
            "Workshop: your professional profile online",
            "Improve your CV, your professional network profile and your portfolio for "
            "digital roles.",
            "We review each participant's profile one by one and work on how to present "
            "previous experience when changing sector. Includes a mock technical "
            "interview.",
        ),
        venue="majadahonda-cultura",
        capacity=15,
        start=4,
        count=2,
        every=2,
        at="10:00",
        hours=3,
        skills="currículum|búsqueda de empleo|marca personal",
        min_age=18,
        taken=0.6,
    ),
    DemoOffering(
        "MOT-TA-003",
        "talent",
        "mentoring",
        "application",
        "Nubaria Sistemas",
        "las-rozas",
        "hybrid",
        "unemployed|students",
        (
            "Mentoría para tu primer empleo tecnológico",
            "Profesionales de empresas asociadas acompañan durante tres meses a personas "
            "que buscan su primer trabajo en tecnología.",
            "Cada participante tiene una mentora o mentor de una empresa de la comarca "
            "que revisa su plan de búsqueda, le ayuda a preparar entrevistas y le abre "
            "puertas a su red de contactos.\n\nSe pide compromiso: una sesión cada dos "
            "semanas y una pequeña tarea entre sesiones.",
        ),
        (
            "Mentoring for your first tech job",
            "Professionals from partner companies support people looking for their first "
            "job in technology for three months.",
            "Each participant is paired with a mentor from a local company who reviews "
            "their job search plan, helps them prepare interviews and opens the door to "
            "their network.\n\nCommitment is expected: one session every two weeks and a "
            "small task between sessions.",
        ),
        venue="rozas-innova",
        capacity=20,
        start=29,
        count=6,
        every=14,
        at="18:30",
        hours=1,
        skills="mentoría|empleo tecnológico|orientación",
        min_age=18,
        closes=14,
        taken=0.0,
    ),
    DemoOffering(
        "MOT-TA-004",
        "talent",
        "talk",
        "individual",
        "Ciberescudo Consultores",
        "online",
        "online",
        "residents|students|unemployed",
        (
            "Profesiones de la ciberseguridad: qué hacen y cómo se llega",
            "Analistas, auditores y formadores cuentan su día a día y qué formación les "
            "abrió la puerta.",
            "Una charla en línea para entender un sector con mucha demanda y muchos "
            "mitos. Hablaremos de perfiles técnicos y no técnicos, de certificaciones "
            "que sí valen la pena y de cómo empezar sin experiencia.",
        ),
        (
            "Careers in cybersecurity: what they do and how to get there",
            "Analysts, auditors and trainers describe their working day and the training "
            "that opened the door for them.",
            "An online talk to understand a sector with high demand and many myths. We "
            "cover technical and non-technical roles, certifications that are worth it "
            "and how to start without experience.",
        ),
        language="es|en",
        capacity=250,
        start=2,
        at="19:00",
        hours=1,
        skills="ciberseguridad|orientación profesional",
        taken=0.45,
    ),
    DemoOffering(
        "MOT-TA-005",
        "talent",
        "workshop",
        "individual",
        "Ayuntamiento de Majadahonda",
        "majadahonda",
        "in-person",
        "companies",
        (
            "Taller para empresas: atraer y retener talento digital",
            "Para pymes que compiten con grandes empresas por los mismos perfiles tecnológicos.",
            "Responsables de pymes comparten qué les ha funcionado para contratar y "
            "mantener perfiles digitales: planes de formación, trabajo flexible y "
            "colaboración con los centros educativos de la zona.",
        ),
        (
            "Company workshop: attracting and keeping digital talent",
            "For small businesses competing with large companies for the same tech profiles.",
            "Small business owners share what has worked for them to hire and keep digital "
            "staff: training plans, flexible work and collaboration with local schools and "
            "colleges.",
        ),
        venue="majadahonda-cultura",
        capacity=35,
        start=38,
        at="09:30",
        hours=3,
        skills="recursos humanos|talento|pymes",
        taken=0.2,
    ),
    # --- More runs across the strands --------------------------------------------------------
    DemoOffering(
        "MOT-BC-011",
        "bootcamps",
        "bootcamp",
        "individual",
        "Academia Código Oeste",
        "boadilla-del-monte",
        "in-person",
        "residents|unemployed",
        (
            "Bootcamp de diseño de experiencia de usuario (UX/UI)",
            "Investigación con usuarios, prototipos y diseño de interfaces accesibles en "
            "ocho sesiones.",
            "El diseño de producto digital es una de las salidas más demandadas para "
            "perfiles creativos. Aprenderás a entrevistar usuarios, dibujar flujos, "
            "prototipar con herramientas profesionales y comprobar la accesibilidad de "
            "una interfaz.\n\nTerminarás con un caso completo para tu portfolio.",
        ),
        (
            "User experience design bootcamp (UX/UI)",
            "User research, prototypes and accessible interface design in eight sessions.",
            "Digital product design is one of the most sought-after paths for creative "
            "people. You will learn to interview users, map flows, prototype with "
            "professional tools and check an interface for accessibility.\n\nYou finish "
            "with a complete case study for your portfolio.",
        ),
        venue="boadilla-cultural",
        capacity=18,
        start=18,
        count=8,
        every=3,
        at="17:00",
        hours=3,
        level="introductory",
        skills="ux|diseño|prototipado|accesibilidad",
        min_age=16,
        taken=0.5,
    ),
    DemoOffering(
        "MOT-CF-007",
        "training-cycles",
        "training-cycle",
        "individual",
        "Academia Código Oeste",
        "online",
        "online",
        "residents|unemployed",
        (
            "Ciclo de programación Java",
            "Orientación a objetos, pruebas y aplicaciones de servidor en un ciclo en "
            "línea de diez semanas.",
            "Java sigue siendo el lenguaje de muchos equipos de banca, seguros y "
            "administración pública. El ciclo parte de la orientación a objetos y llega "
            "a construir un servicio web con pruebas automáticas.\n\nHay tutorías en "
            "directo dos veces por semana y un foro atendido por el profesorado.",
        ),
        (
            "Java programming cycle",
            "Object orientation, testing and server applications in a ten-week online cycle.",
            "Java remains the language of many teams in banking, insurance and public "
            "administration. The cycle starts with object orientation and goes as far as "
            "building a web service with automated tests.\n\nThere are live tutorials "
            "twice a week and a forum answered by the trainers.",
        ),
        capacity=50,
        start=7,
        count=20,
        every=3,
        at="19:30",
        hours=2,
        level="intermediate",
        skills="java|programación|pruebas",
        taken=0.7,
        prerequisites=(
            "Haber programado antes en cualquier lenguaje.",
            "Some previous programming in any language.",
        ),
    ),
    DemoOffering(
        "MOT-SC-008",
        "science-week",
        "science-week-activity",
        "individual",
        "Ayuntamiento de Las Rozas de Madrid",
        "las-rozas",
        "in-person",
        "residents|students",
        (
            "Gincana científica por el centro de Las Rozas",
            "Una ruta por equipos con pruebas de física, química y matemáticas en la calle.",
            "Los equipos, de cuatro a seis personas y de cualquier edad, recorren el "
            "centro resolviendo retos científicos en cada parada. El equipo ganador se "
            "lleva un kit de experimentos.",
        ),
        (
            "Science treasure hunt in central Las Rozas",
            "A team trail with physics, chemistry and maths challenges out in the street.",
            "Teams of four to six people of any age walk through the town centre solving "
            "science challenges at each stop. The winning team takes home an experiment "
            "kit.",
        ),
        venue="rozas-biblioteca",
        capacity=100,
        start=22,
        at="10:30",
        hours=3,
        skills="ciencia|matemáticas|familias",
        taken=1.0,
    ),
)


def _sessions(today: date, offering: DemoOffering) -> str:
    hour, minute = map(int, offering.at.split(":"))
    end = f"{hour + offering.hours:02d}:{minute:02d}"
    days = [
        today + timedelta(days=offering.start + number * offering.every)
        for number in range(offering.count)
    ]
    return ";".join(f"{day.isoformat()} {offering.at}-{end}" for day in days)


def _description(own: str, kind: str, lang: int) -> str:
    return f"{own}\n\n{KIND_NOTES[kind][lang]}"


def rows(today: date) -> list[dict[str, str]]:
    """The demo offer as rows of the import contract, dated relative to ``today``."""
    result = []
    for offering in OFFERINGS:
        venue, address = VENUES[offering.venue] if offering.venue else ("", "")
        title_es, summary_es, text_es = offering.es
        title_en, summary_en, text_en = offering.en or ("", "", "")
        result.append(
            {
                "external_id": offering.ref,
                "programme": offering.programme,
                "kind": offering.kind,
                "mode": offering.mode,
                "title_es": title_es,
                "title_en": title_en,
                "summary_es": summary_es,
                "summary_en": summary_en,
                "description_es": _description(text_es, offering.kind, 0),
                "description_en": _description(text_en, offering.kind, 1) if text_en else "",
                "audience": offering.audience,
                "format": offering.format,
                "language": offering.language,
                "municipality": offering.municipality,
                "provider": offering.provider,
                "venue": venue,
                "address": address,
                "capacity": str(offering.capacity),
                "price_eur": offering.price,
                "enrolment_opens": (today + timedelta(days=offering.opens)).isoformat(),
                "enrolment_closes": ""
                if offering.closes is None
                else (today + timedelta(days=offering.closes)).isoformat(),
                "min_age": "" if offering.min_age is None else str(offering.min_age),
                "max_age": "" if offering.max_age is None else str(offering.max_age),
                "skills": offering.skills,
                "sessions": _sessions(today, offering),
                "level": offering.level,
                "prerequisites_es": offering.prerequisites[0] if offering.prerequisites else "",
                "prerequisites_en": offering.prerequisites[1] if offering.prerequisites else "",
                "status": "",
            }
        )
    return result


def _as_csv(table: list[dict[str, str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES)
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue().encode("utf-8")


class DemoDataError(RuntimeError):
    """The demo rows broke the import contract: a bug in this module, not bad input."""


def _upsert_organisations(session: Session) -> None:
    municipalities = {m.slug: m for m in session.scalars(select(Municipality))}
    known = {org.name.casefold(): org for org in session.scalars(select(Organisation))}
    for demo in ORGANISATIONS:
        organisation = known.get(demo.name.casefold())
        if organisation is None:
            organisation = Organisation(name=demo.name)
            session.add(organisation)
        organisation.kind = demo.kind
        organisation.municipality = municipalities[demo.municipality]
        organisation.sector = demo.sector
        organisation.website = demo.website
        organisation.is_member = demo.member_since is not None
        organisation.member_since = demo.member_since
    session.flush()


def seed_demo(session: Session, today: date | None = None) -> ImportResult:
    """Organisations and offerings of the demo; flushes, the caller commits."""
    today = today or datetime.now(MADRID).date()
    ensure_reference_data(session)
    _upsert_organisations(session)
    result = import_offerings(session, _as_csv(rows(today)))
    if not result.ok:
        with force_locale("en"):
            raise DemoDataError("; ".join(error.describe() for error in result.errors))
    # Places taken are set once, when the offering is first made: afterwards real
    # enrolments keep the count, and a re-run must not overwrite them.
    shares = {offering.ref: offering.taken for offering in OFFERINGS}
    created = {outcome.external_id for outcome in result.outcomes if outcome.action == "created"}
    for offering in result.offerings:
        if offering.external_id in created:
            offering.seats_taken = round(offering.capacity * shares[offering.external_id])
    session.flush()
    return result
