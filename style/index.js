import './trace.css';
import './tree.css';
import './common.css';
import './tools.css';
import './detail.css';
import './genai.css';
import './scores.css';
import './compare.css';
