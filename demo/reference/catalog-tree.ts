/**
 * TechMarket's category tree (two or three levels) and, on every leaf, what its products look like:
 * the noun, brands, model lines, variants and a price range in hryvnias. Products hang on leaves only.
 * Names carry inch marks (15.6") and apostrophes (Комп'ютери) on purpose.
 */
export interface ProductTemplate {
  /** The product's kind as it starts its name, e.g. 'Ноутбук'. */
  noun: string;
  /** [brand, model line] pairs: a brand only with its own models. */
  models: readonly (readonly [brand: string, model: string])[];
  variants: readonly string[];
  /** Typical price range, UAH. */
  priceUah: readonly [min: number, max: number];
  /** Short code used in SKUs. */
  skuCode: string;
}

export interface CategoryNode {
  name: string;
  slug: string;
  children?: readonly CategoryNode[];
  products?: ProductTemplate;
}

const leaf = (name: string, slug: string, products: ProductTemplate): CategoryNode => ({
  name,
  slug,
  products,
});

export const CATEGORY_TREE: readonly CategoryNode[] = [
  {
    name: "Комп'ютери та ноутбуки",
    slug: 'computers-laptops',
    children: [
      {
        name: 'Ноутбуки',
        slug: 'laptops',
        children: [
          leaf('Ігрові ноутбуки', 'gaming-laptops', {
            noun: 'Ноутбук',
            models: [
              ['ASUS', 'ROG Strix G16'],
              ['MSI', 'Katana 15'],
              ['Lenovo', 'Legion 5 Pro'],
              ['Acer', 'Nitro V 15'],
              ['HP', 'Victus 16'],
              ['ASUS', 'TUF Gaming A15'],
            ],
            variants: ['15.6" i7/16/1TB RTX 4060', '16" i9/32/1TB RTX 4070', '15.6" Ryzen 7/16/512 RTX 4050'],
            priceUah: [38_000, 120_000],
            skuCode: 'GLT',
          }),
          leaf('Ультрабуки', 'ultrabooks', {
            noun: 'Ноутбук',
            models: [
              ['Apple', 'MacBook Air 13'],
              ['ASUS', 'Zenbook 14 OLED'],
              ['Dell', 'XPS 13'],
              ['Lenovo', 'Yoga Slim 7'],
              ['HP', 'Spectre x360'],
            ],
            variants: ['13.6" M3/8/256', '14" Ultra 7/16/1TB', '13.4" i7/16/512', '14" Ryzen 7/16/512'],
            priceUah: [35_000, 95_000],
            skuCode: 'ULT',
          }),
          leaf('Ноутбуки для роботи', 'business-laptops', {
            noun: 'Ноутбук',
            models: [
              ['Lenovo', 'ThinkPad E14'],
              ['HP', 'ProBook 450 G10'],
              ['Dell', 'Latitude 5440'],
              ['Lenovo', 'IdeaPad 3 15'],
              ['Acer', 'Aspire 5'],
            ],
            variants: ['14" i5/16/512', '15.6" i3/8/256', '15.6" Ryzen 5/16/512'],
            priceUah: [16_000, 45_000],
            skuCode: 'BLT',
          }),
        ],
      },
      leaf('Монітори', 'monitors', {
        noun: 'Монітор',
        models: [
          ['Samsung', 'Odyssey G5'],
          ['LG', 'UltraGear 27GP850'],
          ['Dell', 'P2723DE'],
          ['AOC', '24G2SPU'],
          ['ASUS', 'ProArt PA278QV'],
          ['iiyama', 'ProLite XUB2492HSU'],
        ],
        variants: ['24" IPS 165 Гц', '27" QHD IPS', '32" 4K VA', '27" 240 Гц'],
        priceUah: [4_500, 28_000],
        skuCode: 'MON',
      }),
      {
        name: 'Комплектуючі',
        slug: 'components',
        children: [
          leaf('Відеокарти', 'graphics-cards', {
            noun: 'Відеокарта',
            models: [
              ['ASUS', 'GeForce RTX 4060 Dual'],
              ['Gigabyte', 'GeForce RTX 4070 SUPER Windforce'],
              ['Sapphire', 'Radeon RX 7800 XT Pulse'],
              ['MSI', 'GeForce RTX 4090 Suprim X'],
              ['Palit', 'GeForce RTX 4060 Ti StormX'],
            ],
            variants: ['8GB GDDR6', '12GB GDDR6X', '16GB GDDR6', '24GB GDDR6X'],
            priceUah: [12_000, 95_000],
            skuCode: 'GPU',
          }),
          leaf('Процесори', 'cpus', {
            noun: 'Процесор',
            models: [
              ['Intel', 'Core i5-14400F'],
              ['Intel', 'Core i7-14700K'],
              ['AMD', 'Ryzen 5 7600'],
              ['AMD', 'Ryzen 7 7800X3D'],
              ['AMD', 'Ryzen 9 7950X'],
            ],
            variants: ['BOX', 'Tray'],
            priceUah: [5_000, 28_000],
            skuCode: 'CPU',
          }),
          leaf('SSD-накопичувачі', 'ssd', {
            noun: 'SSD-накопичувач',
            models: [
              ['Samsung', '990 PRO'],
              ['Kingston', 'KC3000'],
              ['WD', 'Black SN850X'],
              ['Crucial', 'P5 Plus'],
              ['Goodram', 'IRDM PRO'],
            ],
            variants: ['500GB M.2 NVMe', '1TB M.2 NVMe', '2TB M.2 NVMe'],
            priceUah: [1_800, 9_500],
            skuCode: 'SSD',
          }),
        ],
      },
      {
        name: 'Периферія',
        slug: 'peripherals',
        children: [
          leaf('Клавіатури', 'keyboards', {
            noun: 'Клавіатура',
            models: [
              ['Logitech', 'MX Keys S'],
              ['Razer', 'BlackWidow V4'],
              ['HyperX', 'Alloy Origins'],
              ['Keychron', 'K8 Pro'],
              ['A4Tech', 'Bloody B810R'],
            ],
            variants: ['UA/EN', 'UA/EN, бездротова', 'механічна, Red switch'],
            priceUah: [700, 9_000],
            skuCode: 'KBD',
          }),
          leaf('Миші', 'mice', {
            noun: 'Миша',
            models: [
              ['Logitech', 'MX Master 3S'],
              ['Logitech', 'G502 X'],
              ['Razer', 'DeathAdder V3'],
              ['SteelSeries', 'Rival 3'],
              ['HyperX', 'Pulsefire Haste'],
            ],
            variants: ['чорна', 'біла', 'бездротова'],
            priceUah: [450, 5_500],
            skuCode: 'MOU',
          }),
        ],
      },
    ],
  },
  {
    name: 'Смартфони та планшети',
    slug: 'phones-tablets',
    children: [
      leaf('Смартфони', 'smartphones', {
        noun: 'Смартфон',
        models: [
          ['Apple', 'iPhone 15'],
          ['Apple', 'iPhone 15 Pro'],
          ['Samsung', 'Galaxy S24'],
          ['Samsung', 'Galaxy A55'],
          ['Xiaomi', 'Redmi Note 13'],
          ['Google', 'Pixel 8'],
          ['Motorola', 'moto g84'],
        ],
        variants: ['128GB Black', '256GB Blue', '512GB Natural Titanium', '8/256GB Awesome Navy'],
        priceUah: [7_000, 65_000],
        skuCode: 'PHN',
      }),
      leaf('Планшети', 'tablets', {
        noun: 'Планшет',
        models: [
          ['Apple', 'iPad 10.9'],
          ['Apple', 'iPad Air 11'],
          ['Samsung', 'Galaxy Tab S9 FE'],
          ['Lenovo', 'Tab P12'],
          ['Xiaomi', 'Pad 6'],
        ],
        variants: ['Wi-Fi 64GB', 'Wi-Fi 128GB', 'LTE 256GB'],
        priceUah: [8_000, 42_000],
        skuCode: 'TAB',
      }),
      {
        name: 'Аксесуари для телефонів',
        slug: 'phone-accessories',
        children: [
          leaf('Чохли', 'phone-cases', {
            noun: 'Чохол',
            models: [
              ['Spigen', 'Ultra Hybrid'],
              ['ArmorStandart', 'ICON Case'],
              ['Apple', 'Silicone Case'],
              ['Samsung', 'Smart View Wallet'],
            ],
            variants: ['для iPhone 15', 'для Galaxy S24', 'для Redmi Note 13'],
            priceUah: [250, 2_500],
            skuCode: 'CAS',
          }),
          leaf('Зарядні пристрої', 'chargers', {
            noun: 'Зарядний пристрій',
            models: [
              ['Anker', 'Nano II'],
              ['Baseus', 'GaN5 Pro'],
              ['Ugreen', 'Nexode'],
              ['Apple', '20W USB-C'],
            ],
            variants: ['30W', '65W', '100W, 2×USB-C'],
            priceUah: [400, 3_500],
            skuCode: 'CHG',
          }),
        ],
      },
    ],
  },
  {
    name: 'ТВ та аудіо',
    slug: 'tv-audio',
    children: [
      leaf('Телевізори', 'tvs', {
        noun: 'Телевізор',
        models: [
          ['Samsung', 'QE55Q60D'],
          ['LG', 'OLED55C4'],
          ['Sony', 'Bravia KD-50X75WL'],
          ['Philips', '43PUS8118'],
          ['Xiaomi', 'TV A Pro'],
        ],
        variants: ['43"', '50"', '55"', '65"'],
        priceUah: [11_000, 85_000],
        skuCode: 'TV',
      }),
      leaf('Навушники', 'headphones', {
        noun: 'Навушники',
        models: [
          ['Sony', 'WH-1000XM5'],
          ['Apple', 'AirPods Pro 2'],
          ['JBL', 'Tune 770NC'],
          ['Samsung', 'Galaxy Buds3'],
          ['Marshall', 'Major V'],
        ],
        variants: ['чорні', 'білі', 'сині'],
        priceUah: [1_200, 16_000],
        skuCode: 'HPH',
      }),
      leaf('Акустика', 'speakers', {
        noun: 'Акустична система',
        models: [
          ['JBL', 'Charge 5'],
          ['Marshall', 'Emberton II'],
          ['Sonos', 'Era 100'],
          ['Edifier', 'R1280DB'],
        ],
        variants: ['чорна', 'сіра', 'камуфляж'],
        priceUah: [2_000, 18_000],
        skuCode: 'SPK',
      }),
    ],
  },
  {
    name: 'Побутова техніка',
    slug: 'appliances',
    children: [
      {
        name: 'Велика побутова техніка',
        slug: 'large-appliances',
        children: [
          leaf('Холодильники', 'fridges', {
            noun: 'Холодильник',
            models: [
              ['Bosch', 'KGN39VLEB'],
              ['Samsung', 'RB38T676FSA'],
              ['LG', 'GA-B509CQSM'],
              ['Gorenje', 'NRK6192AW4'],
            ],
            variants: ['No Frost', '203 см, інвертор', 'сріблястий'],
            priceUah: [14_000, 60_000],
            skuCode: 'FRG',
          }),
          leaf('Пральні машини', 'washing-machines', {
            noun: 'Пральна машина',
            models: [
              ['Bosch', 'WAN28263UA'],
              ['Samsung', 'WW80T4540AE'],
              ['LG', 'F2WV3S7S6E'],
              ['Electrolux', 'EW6SN406WI'],
            ],
            variants: ['8 кг', '7 кг, пара', '9 кг, інвертор'],
            priceUah: [11_000, 38_000],
            skuCode: 'WSH',
          }),
        ],
      },
      {
        name: 'Дрібна побутова техніка',
        slug: 'small-appliances',
        children: [
          leaf('Кавомашини', 'coffee-machines', {
            noun: 'Кавомашина',
            models: [
              ['DeLonghi', 'Magnifica S'],
              ['Philips', 'LatteGo 3200'],
              ['Siemens', 'EQ.300'],
              ['Krups', 'Evidence One'],
            ],
            variants: ['чорна', 'срібляста', 'з капучинатором "LatteCrema"'],
            priceUah: [9_000, 45_000],
            skuCode: 'COF',
          }),
          leaf('Пилососи', 'vacuums', {
            noun: 'Пилосос',
            models: [
              ['Dyson', 'V15 Detect'],
              ['Xiaomi', 'Robot Vacuum X10+'],
              ['Philips', 'SpeedPro Max'],
              ['Samsung', 'Jet 75'],
              ['Rowenta', 'X-Force Flex 9.60'],
            ],
            variants: ['акумуляторний', 'робот-пилосос', 'з контейнером'],
            priceUah: [3_500, 32_000],
            skuCode: 'VAC',
          }),
        ],
      },
    ],
  },
  {
    name: 'Геймінг',
    slug: 'gaming',
    children: [
      leaf('Ігрові консолі', 'consoles', {
        noun: 'Ігрова консоль',
        models: [
          ['Sony', 'PlayStation 5 Slim'],
          ['Microsoft', 'Xbox Series X'],
          ['Nintendo', 'Switch OLED'],
          ['Valve', 'Steam Deck OLED'],
        ],
        variants: ['1TB', '512GB', 'Digital Edition'],
        priceUah: [12_000, 32_000],
        skuCode: 'CNS',
      }),
      leaf('Ігри', 'games', {
        noun: 'Гра',
        models: [
          ['CD PROJEKT RED', 'Cyberpunk 2077'],
          ['Sony', "Marvel's Spider-Man 2"],
          ['Microsoft', 'Forza Horizon 5'],
          ['Nintendo', 'The Legend of Zelda: Tears of the Kingdom'],
          ['Ubisoft', "Assassin's Creed Mirage"],
        ],
        variants: ['PS5, українські субтитри', 'Xbox Series X', 'Nintendo Switch'],
        priceUah: [900, 3_200],
        skuCode: 'GAM',
      }),
    ],
  },
  {
    name: 'Розумний дім',
    slug: 'smart-home',
    children: [
      leaf('Камери безпеки', 'security-cameras', {
        noun: 'IP-камера',
        models: [
          ['TP-Link', 'Tapo C210'],
          ['Xiaomi', 'Smart Camera C400'],
          ['Ezviz', 'H6c'],
          ['Imou', 'Ranger 2'],
        ],
        variants: ['2K', '3MP, Wi-Fi', 'вулична, IP65'],
        priceUah: [900, 4_500],
        skuCode: 'CAM',
      }),
      leaf('Розумне освітлення', 'smart-lighting', {
        noun: 'Розумна лампа',
        models: [
          ['Philips Hue', 'White and Color E27'],
          ['Xiaomi', 'Mi LED Smart Bulb'],
          ['TP-Link', 'Tapo L530E'],
          ['Yeelight', 'W3'],
        ],
        variants: ['E27', 'GU10', 'набір 3 шт.'],
        priceUah: [350, 3_500],
        skuCode: 'LMP',
      }),
    ],
  },
];
