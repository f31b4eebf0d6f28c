/**
 * The 24 oblasts of Ukraine and the city of Kyiv, with ISO 3166-2:UA codes, a few cities each and a
 * weight for how many of the shop's customers live there (roughly population, with wartime shifts).
 * City names keep their apostrophes (Кам'янське, Слов'янськ): the ETL must carry them through.
 */
export interface RegionReference {
  code: string;
  name: string;
  weight: number;
  cities: readonly string[];
}

export const REGIONS: readonly RegionReference[] = [
  { code: 'UA-30', name: 'Київ', weight: 16, cities: ['Київ'] },
  {
    code: 'UA-05',
    name: 'Вінницька область',
    weight: 3.5,
    cities: ['Вінниця', 'Жмеринка', 'Могилів-Подільський'],
  },
  { code: 'UA-07', name: 'Волинська область', weight: 2, cities: ['Луцьк', 'Ковель', 'Володимир'] },
  {
    code: 'UA-12',
    name: 'Дніпропетровська область',
    weight: 8,
    cities: ['Дніпро', 'Кривий Ріг', "Кам'янське", 'Нікополь', 'Павлоград'],
  },
  {
    code: 'UA-14',
    name: 'Донецька область',
    weight: 2.5,
    cities: ['Краматорськ', "Слов'янськ", 'Покровськ'],
  },
  { code: 'UA-18', name: 'Житомирська область', weight: 2.5, cities: ['Житомир', 'Бердичів', 'Коростень'] },
  { code: 'UA-21', name: 'Закарпатська область', weight: 2.5, cities: ['Ужгород', 'Мукачево', 'Хуст'] },
  { code: 'UA-23', name: 'Запорізька область', weight: 3.5, cities: ['Запоріжжя', 'Вільнянськ', 'Оріхів'] },
  {
    code: 'UA-26',
    name: 'Івано-Франківська область',
    weight: 3,
    cities: ['Івано-Франківськ', 'Калуш', 'Коломия'],
  },
  {
    code: 'UA-32',
    name: 'Київська область',
    weight: 5.5,
    cities: ['Бровари', 'Бориспіль', 'Біла Церква', 'Ірпінь'],
  },
  {
    code: 'UA-35',
    name: 'Кіровоградська область',
    weight: 2,
    cities: ['Кропивницький', 'Олександрія', "Знам'янка"],
  },
  { code: 'UA-09', name: 'Луганська область', weight: 0.5, cities: ['Сєвєродонецьк'] },
  {
    code: 'UA-46',
    name: 'Львівська область',
    weight: 7,
    cities: ['Львів', 'Дрогобич', 'Червоноград', 'Стрий'],
  },
  {
    code: 'UA-48',
    name: 'Миколаївська область',
    weight: 2.5,
    cities: ['Миколаїв', 'Первомайськ', 'Вознесенськ'],
  },
  {
    code: 'UA-51',
    name: 'Одеська область',
    weight: 6,
    cities: ['Одеса', 'Ізмаїл', 'Чорноморськ', 'Білгород-Дністровський'],
  },
  { code: 'UA-53', name: 'Полтавська область', weight: 3, cities: ['Полтава', 'Кременчук', 'Лубни'] },
  { code: 'UA-56', name: 'Рівненська область', weight: 2.5, cities: ['Рівне', 'Вараш', 'Дубно'] },
  { code: 'UA-59', name: 'Сумська область', weight: 2, cities: ['Суми', 'Конотоп', 'Шостка'] },
  { code: 'UA-61', name: 'Тернопільська область', weight: 2, cities: ['Тернопіль', 'Чортків', 'Кременець'] },
  { code: 'UA-63', name: 'Харківська область', weight: 5.5, cities: ['Харків', 'Лозова', 'Чугуїв'] },
  { code: 'UA-65', name: 'Херсонська область', weight: 1, cities: ['Херсон', 'Нова Каховка'] },
  {
    code: 'UA-68',
    name: 'Хмельницька область',
    weight: 2.5,
    cities: ['Хмельницький', "Кам'янець-Подільський", 'Шепетівка'],
  },
  { code: 'UA-71', name: 'Черкаська область', weight: 2.5, cities: ['Черкаси', 'Умань', "Кам'янка"] },
  { code: 'UA-77', name: 'Чернівецька область', weight: 2, cities: ['Чернівці', 'Хотин', 'Новодністровськ'] },
  { code: 'UA-74', name: 'Чернігівська область', weight: 2, cities: ['Чернігів', 'Ніжин', 'Прилуки'] },
];
