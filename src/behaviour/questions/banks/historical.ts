import type { Template, Vocabulary } from '../template';

/** Questions about past events, people and periods. */
export const HISTORICAL_TEMPLATES: readonly Template[] = [
  { text: 'What were the main causes of {event}?' },
  { text: 'How did {event} change {aspect} in the {#10-60} years that followed?' },
  { text: 'Why is {figure} considered important in the history of {field}?' },
  { text: 'What role did {aspect} play during {era}?' },
  { text: 'How did ordinary people in {region} experience {event}?' },
  { text: 'Compare {event} with {event2} in terms of their effect on {aspect}.' },
  { text: 'What did {figure} hope to achieve, and how far did they succeed?' },
  { text: 'What were the long-term consequences of {event} for {region}?' },
  { text: 'How reliable are the surviving sources about {event}, and who wrote them?' },
  { text: 'Which decisions by {figure} had the largest effect on {aspect}?' },
  { text: 'What was daily life like in {city} during {era}?' },
  { text: 'What do people most often get wrong about {era}?' },
  { text: 'How did {aspect} develop in {region} during {era}?' },
  { text: 'Who opposed {figure}, and what were their main arguments?' },
  { text: 'How did news of {event} spread, and how quickly did it reach {city}?' },
  { text: 'What can archaeology tell us about {aspect} in {city} during {era}?' },
  { text: 'Why did {event} happen when it did rather than {#20-100} years earlier?' },
  { text: 'How have historians\u2019 views of {figure} changed since the {#17-20}00s?' },
];

/** Slot vocabularies of the historical templates. */
export const HISTORICAL_VOCABULARY: Vocabulary = {
  event: [
    'the fall of the Western Roman Empire', 'the Black Death', 'the signing of Magna Carta', 'the Columbian Exchange',
    'the Protestant Reformation', 'the Thirty Years\u2019 War', 'the Glorious Revolution', 'the American Revolution',
    'the French Revolution', 'the Haitian Revolution', 'the Congress of Vienna', 'the Irish Famine',
    'the Meiji Restoration', 'the abolition of the Atlantic slave trade', 'the unification of Germany',
    'the unification of Italy', 'the Scramble for Africa', 'the Russian Revolution', 'the Treaty of Versailles',
    'the Great Depression', 'the partition of India', 'the Marshall Plan', 'the Cuban Missile Crisis',
    'the construction of the Berlin Wall', 'the fall of the Berlin Wall', 'the Apollo 11 landing',
    'the printing revolution in Europe', 'the Opium Wars', 'the Taiping Rebellion', 'the Mongol conquests',
    'the founding of the Ottoman Empire', 'the Spanish conquest of the Aztec Empire', 'the Hundred Years\u2019 War',
    'the building of the Great Wall under the Ming', 'the Battle of Hastings', 'the Crusades',
    'the Dutch Golden Age', 'the South Sea Bubble', 'the Industrial Revolution in Britain', 'the Suez Crisis',
    'the decolonisation of West Africa', 'the end of apartheid in South Africa', 'the Mexican Revolution',
    'the Peloponnesian War', 'the reign of Ashoka', 'the Tang dynasty\u2019s golden age', 'the Hanseatic League\u2019s rise',
  ],
  figure: [
    'Julius Caesar', 'Cleopatra', 'Charlemagne', 'Genghis Khan', 'Mansa Musa', 'Elizabeth I', 'Akbar the Great',
    'Peter the Great', 'Catherine the Great', 'Napoleon Bonaparte', 'Simon Bolivar', 'Toussaint Louverture',
    'Otto von Bismarck', 'Queen Victoria', 'Abraham Lincoln', 'Harriet Tubman', 'Emperor Meiji', 'Sun Yat-sen',
    'Mahatma Gandhi', 'Winston Churchill', 'Franklin D. Roosevelt', 'Nelson Mandela', 'Marie Curie',
    'Isaac Newton', 'Galileo Galilei', 'Johannes Gutenberg', 'Ibn Battuta', 'Zheng He', 'Hatshepsut',
    'Suleiman the Magnificent', 'Martin Luther', 'Leonardo da Vinci', 'Ada Lovelace', 'Florence Nightingale',
    'Kemal Ataturk', 'Eleanor Roosevelt', 'Charles Darwin', 'Karl Marx', 'Adam Smith', 'Confucius',
  ],
  field: [
    'science', 'medicine', 'politics', 'trade', 'law', 'warfare', 'religion', 'exploration', 'economics',
    'education', 'architecture', 'navigation', 'diplomacy', 'literature', 'engineering', 'public health',
  ],
  aspect: [
    'trade', 'religion', 'the role of women', 'land ownership', 'taxation', 'literacy', 'military technology',
    'public health', 'diet and food supply', 'urban planning', 'the legal system', 'the printing of books',
    'money and banking', 'long-distance travel', 'the status of craftsmen', 'family life', 'childhood',
    'the relationship between church and state', 'agriculture', 'shipbuilding', 'art and patronage',
    'slavery and forced labour', 'the spread of languages', 'scientific inquiry', 'migration',
  ],
  era: [
    'the Bronze Age', 'classical Athens', 'the late Roman Republic', 'the early Middle Ages', 'the High Middle Ages',
    'the Renaissance', 'the Age of Exploration', 'the Enlightenment', 'the Victorian era', 'the interwar years',
    'the Cold War', 'the Edo period', 'the Song dynasty', 'the Abbasid Caliphate', 'the Mughal Empire',
    'the Viking Age', 'the Belle Epoque', 'the Roaring Twenties', 'the post-war boom', 'the Gilded Age',
  ],
  region: [
    'Western Europe', 'the Mediterranean', 'East Asia', 'South Asia', 'West Africa', 'East Africa',
    'the Middle East', 'Central Asia', 'the Caribbean', 'South America', 'North America', 'Scandinavia',
    'the Balkans', 'Southeast Asia', 'the Baltic', 'southern Africa', 'the Andes', 'the Pacific islands',
  ],
  city: [
    'Rome', 'Constantinople', 'Baghdad', 'Venice', 'Florence', 'London', 'Paris', 'Kyoto', 'Beijing', 'Delhi',
    'Timbuktu', 'Cairo', 'Samarkand', 'Tenochtitlan', 'Cusco', 'Amsterdam', 'Lisbon', 'Vienna', 'Istanbul',
    'Alexandria', 'Athens', 'Edo', 'Calcutta', 'New York', 'St Petersburg', 'Kraków', 'Seville', 'Canton',
  ],
};
