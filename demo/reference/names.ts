/**
 * Names as pairs [Ukrainian, Latin transliteration]; the Latin form builds e-mail addresses and the
 * transliterated customers. Several carry the Ukrainian apostrophe (Мар'яна, Дем'яненко), which real
 * data types either as U+0027 or as U+02BC; the generator uses both.
 */
export type NamePair = readonly [ukrainian: string, latin: string];

export const UKRAINIAN_MALE_FIRST: readonly NamePair[] = [
  ['Олександр', 'Oleksandr'],
  ['Андрій', 'Andrii'],
  ['Дмитро', 'Dmytro'],
  ['Сергій', 'Serhii'],
  ['Володимир', 'Volodymyr'],
  ['Іван', 'Ivan'],
  ['Микола', 'Mykola'],
  ['Юрій', 'Yurii'],
  ['Богдан', 'Bohdan'],
  ['Тарас', 'Taras'],
  ['Максим', 'Maksym'],
  ['Артем', 'Artem'],
  ['Олег', 'Oleh'],
  ['Василь', 'Vasyl'],
  ['Євген', 'Yevhen'],
  ['Ігор', 'Ihor'],
  ["В'ячеслав", 'Viacheslav'],
  ["Мар'ян", 'Marian'],
  ['Остап', 'Ostap'],
  ['Ярослав', 'Yaroslav'],
];

export const UKRAINIAN_FEMALE_FIRST: readonly NamePair[] = [
  ['Олена', 'Olena'],
  ['Наталія', 'Nataliia'],
  ['Ірина', 'Iryna'],
  ['Оксана', 'Oksana'],
  ['Тетяна', 'Tetiana'],
  ['Юлія', 'Yuliia'],
  ['Анна', 'Anna'],
  ['Катерина', 'Kateryna'],
  ['Софія', 'Sofiia'],
  ['Марія', 'Mariia'],
  ['Вікторія', 'Viktoriia'],
  ['Людмила', 'Liudmyla'],
  ['Світлана', 'Svitlana'],
  ['Ганна', 'Hanna'],
  ["Мар'яна", 'Mariana'],
  ["Дар'я", 'Daria'],
  ['Христина', 'Khrystyna'],
  ['Соломія', 'Solomiia'],
  ['Зоряна', 'Zoriana'],
  ['Євгенія', 'Yevheniia'],
];

/** Surnames that do not change with gender (-енко, -чук, -ук, …). */
export const UKRAINIAN_SURNAMES: readonly NamePair[] = [
  ['Шевченко', 'Shevchenko'],
  ['Коваленко', 'Kovalenko'],
  ['Бондаренко', 'Bondarenko'],
  ['Ткаченко', 'Tkachenko'],
  ['Кравченко', 'Kravchenko'],
  ['Олійник', 'Oliinyk'],
  ['Шевчук', 'Shevchuk'],
  ['Поліщук', 'Polishchuk'],
  ['Бойко', 'Boiko'],
  ['Ткачук', 'Tkachuk'],
  ['Мельник', 'Melnyk'],
  ['Коваль', 'Koval'],
  ['Савчук', 'Savchuk'],
  ['Руденко', 'Rudenko'],
  ['Марченко', 'Marchenko'],
  ['Лисенко', 'Lysenko'],
  ['Гончаренко', 'Honcharenko'],
  ['Мороз', 'Moroz'],
  ['Павленко', 'Pavlenko'],
  ['Кузьменко', 'Kuzmenko'],
  ["Дем'яненко", 'Demianenko'],
  ["Лук'яненко", 'Lukianenko'],
  ["Солов'як", 'Soloviak'],
  ["Прокоп'юк", 'Prokopiuk'],
  ["Дем'янчук", 'Demianchuk'],
  ['Гриценко', 'Hrytsenko'],
  ['Литвиненко', 'Lytvynenko'],
  ['Кушнір', 'Kushnir'],
  ['Стельмах', 'Stelmakh'],
  ['Андрусишин', 'Andrusyshyn'],
];

export const ENGLISH_FIRST: readonly string[] = [
  'James',
  'Emily',
  'Michael',
  'Sarah',
  'David',
  'Olivia',
  'Daniel',
  'Emma',
  'Thomas',
  'Charlotte',
  'Liam',
  'Grace',
  'Patrick',
  'Chloe',
  'Noah',
  'Sophie',
];

/** O'Brien and friends: the ASCII apostrophe inside a name is the classic escaping bug. */
export const ENGLISH_SURNAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Taylor',
  'Wilson',
  'Evans',
  'Walker',
  'Wright',
  'Hughes',
  "O'Brien",
  "O'Connor",
  "D'Souza",
  "O'Neill",
  'MacDonald',
  'Fitzgerald',
];

/** Small businesses buy too; their names bring quotes, straight and «guillemets». */
export const COMPANY_NAMES: readonly string[] = [
  'ТОВ "Альфа-Сервіс"',
  'ТОВ «Техносвіт»',
  'ФОП Коваленко О. М.',
  'ПП "Дім і Сад"',
  "ТОВ «Кам'янка-Агро»",
  'Studio "Pixel & Co"',
  'ТОВ "Бухгалтерія \\ Консалтинг"',
  'ФОП Дем\u02BCяненко І. В.',
];

export const EMAIL_DOMAINS: readonly string[] = [
  'gmail.com',
  'ukr.net',
  'i.ua',
  'meta.ua',
  'outlook.com',
  'icloud.com',
  'proton.me',
];
