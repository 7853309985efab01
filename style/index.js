import './base.css';
import './detail.css';
import './compare.css';
